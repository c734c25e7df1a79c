"""Demo data: the plan's catalog (37 departments, township categories, village agency items),
and the places the demo accounts work in (identity's seed): one township and two villages.

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
from city_center.place import service as place_service
from city_center.place.models import Place
from city_center.place.schemas import PlaceSpec
from govnet.catalog.v1 import catalog_pb2
from govnet_kit.db import make_engine, make_sessionmaker, transaction

SEED_FILE = Path(__file__).parent / "catalog" / "seed_data" / "catalog.yaml"


def seed_item(code: str, version: int = 1) -> catalog_pb2.CatalogItem:
    """One item of the seed file as a record (tests and other tiers' fixtures use it)."""
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    spec = next(ItemSpec.model_validate(i) for i in data["items"] if i["code"] == code)
    return records.to_record(spec, version=version)


# Sample names, addresses and phones; the codes are those of identity's demo accounts.
DEMO_PLACES = [
    PlaceSpec(
        code="341102101000",
        tier="town",
        name_zh="清流镇便民服务中心",
        name_en="Qingliu township service hall",
        address_zh="清流镇人民路1号",
        address_en="1 Renmin Road, Qingliu",
        hours_zh="工作日 8:30-12:00，14:00-17:30",
        hours_en="Working days 8:30-12:00, 14:00-17:30",
        phone="0550-3101000",
    ),
    PlaceSpec(
        code="341102101201",
        tier="village",
        name_zh="东山村便民服务室",
        name_en="Dongshan village service room",
        address_zh="清流镇东山村村委会一楼",
        address_en="Ground floor, Dongshan village committee, Qingliu",
        hours_zh="工作日 8:30-17:00；每月15日集中办公",
        hours_en="Working days 8:30-17:00; the 15th of each month: all staff on duty",
        phone="0550-3101201",
    ),
    PlaceSpec(
        code="341102101202",
        tier="village",
        name_zh="西河村便民服务室",
        name_en="Xihe village service room",
        address_zh="清流镇西河村村委会",
        address_en="Xihe village committee, Qingliu",
        hours_zh="工作日 8:30-17:00",
        hours_en="Working days 8:30-17:00",
        phone="0550-3101202",
    ),
]


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
            places = 0
            for spec in DEMO_PLACES:  # townships first: a village needs its township
                if await session.get(Place, spec.code) is None:
                    await place_service.register(
                        session, spec=spec, city_code=settings.place_code, actor="system:seed-demo"
                    )
                    places += 1
    finally:
        await engine.dispose()
    print(
        f"city-center: {report.departments} departments; "
        f"{len(report.published)} item versions published, {len(report.unchanged)} unchanged; "
        f"{places} places registered"
    )
