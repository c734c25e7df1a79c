"""Demo data: the plan's catalog (37 departments, township categories, village agency items).

The data is `catalog/seed_data/catalog.yaml`; `seed-demo` imports and publishes it, and a second
run changes nothing. Time limits, fees and materials there are sample values (`sample_values`),
not an official schedule.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from city_center.catalog import bulk, records
from city_center.catalog.schemas import ItemSpec
from city_center.config import CityCenterSettings
from govnet.catalog.v1 import catalog_pb2
from govnet_kit.db import make_engine, make_sessionmaker, transaction

SEED_FILE = Path(__file__).parent / "catalog" / "seed_data" / "catalog.yaml"


def seed_item(code: str, version: int = 1) -> catalog_pb2.CatalogItem:
    """One item of the seed file as a record (tests and other tiers' fixtures use it)."""
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    spec = next(ItemSpec.model_validate(i) for i in data["items"] if i["code"] == code)
    return records.to_record(spec, version=version)


# The item of the walking skeleton's journey: the forestry bureau's tree felling permit.
TREE_FELLING_PERMIT = seed_item("LY-0001")


async def seed_demo(settings: CityCenterSettings) -> None:
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    try:
        async with transaction(sessions) as session:
            report = await bulk.import_catalog(
                session,
                SEED_FILE.read_text(encoding="utf-8"),
                publish=True,
                actor="system:seed-demo",
            )
    finally:
        await engine.dispose()
    print(
        f"city-center: {report.departments} departments; "
        f"{len(report.published)} item versions published, {len(report.unchanged)} unchanged"
    )
