"""Export of the catalog in force: YAML with everything (departments, stationing, items) and
CSV with the flat fields. What it writes, `bulk.import_catalog` reads back unchanged."""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.catalog import records, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.bulk import CSV_COLUMNS, FORMAT
from city_center.catalog.schemas import DepartmentSpec
from govnet.catalog.v1 import catalog_pb2


def _item_dict(record: catalog_pb2.CatalogItem) -> dict[str, Any]:
    spec = records.to_spec(record)
    return spec.model_dump(mode="json", exclude_defaults=True) | {"version": record.version}


async def export_yaml(session: AsyncSession) -> str:
    """The departments (with what they have stationed) and the items in force."""
    items = await catalog_service.in_force(session)
    departments = [
        DepartmentSpec(
            code=d.code,
            name_zh=d.name_zh,
            name_en=d.name_en,
            stationed=d.stationed,
            stationed_items=list(d.stationed_item_codes),
        ).model_dump(mode="json", exclude_defaults=True)
        for d in await stationing.departments(session)
    ]
    document = {
        "format": FORMAT,
        "departments": departments,
        "items": [_item_dict(i) for i in sorted(items, key=lambda i: i.code)],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def _csv_cell(column: str, value: Any) -> str:
    if column == "handling":
        return " ".join(f"{t}:{h}" for t, h in value.items())
    if column == "joint_departments":
        return " ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


async def export_csv(session: AsyncSession) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in sorted(await catalog_service.in_force(session), key=lambda i: i.code):
        data = records.to_spec(record).model_dump(mode="json")
        writer.writerow([_csv_cell(c, data[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()
