"""Publishing catalog items and reading the public catalog (C1, C2, decision 3)."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.catalog.models import Department, Item
from govnet.catalog.v1 import catalog_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.db import new_id, utcnow
from govnet_kit.errors import Conflict, NotFound
from govnet_kit.messaging import add_event


def item_subject(code: str) -> str:
    return f"govnet.catalog.item.{code}"


async def publish(session: AsyncSession, *, record: catalog_pb2.CatalogItem) -> Item:
    """Freeze a version and replicate it down. Publishing the same version again is a no-op."""
    existing = await session.get(Item, (record.code, record.version))
    if existing is not None:
        if existing.status == "published" and existing.record == record.SerializeToString():
            return existing
        if existing.status != "draft":
            raise Conflict(
                f"item {record.code} version {record.version} is frozen",
                message_zh="已发布的版本不可修改",
            )
    department = await session.get(Department, record.department_code)
    if department is None:
        raise NotFound(f"no department {record.department_code}", field="department_code")
    record.department_name_zh = department.name_zh
    record.department_name_en = department.name_en
    now = utcnow()
    item = existing or Item(code=record.code, version=record.version)
    item.status = "published"
    item.department_code = record.department_code
    item.name_zh = record.name_zh
    item.record = record.SerializeToString()
    item.published_at = now
    session.add(item)
    # The earlier version in force retires; cases accepted under it keep it.
    for older in await session.scalars(
        select(Item).where(
            Item.code == record.code, Item.version < record.version, Item.status == "published"
        )
    ):
        older.status = "retired"
    event_id = new_id()
    published_at = Timestamp()
    published_at.FromDatetime(now)
    add_event(
        session,
        subject=item_subject(record.code),
        event_id=event_id,
        message=events_pb2.CatalogItemPublished(
            event_id=event_id, item=record, published_at=published_at
        ),
    )
    await session.flush()
    return item


async def in_force(session: AsyncSession) -> list[catalog_pb2.CatalogItem]:
    rows = await session.scalars(
        select(Item).where(Item.status == "published").order_by(Item.department_code, Item.code)
    )
    return [catalog_pb2.CatalogItem.FromString(r.record) for r in rows]


async def get_in_force(session: AsyncSession, code: str) -> catalog_pb2.CatalogItem:
    row = await session.scalar(select(Item).where(Item.code == code, Item.status == "published"))
    if row is None:
        raise NotFound(
            f"no item {code} in force", message_zh=f"无此事项：{code}", field="item_code"
        )
    return catalog_pb2.CatalogItem.FromString(row.record)


async def get_version(session: AsyncSession, code: str, version: int) -> catalog_pb2.CatalogItem:
    row = await session.get(Item, (code, version))
    if row is None or row.status == "draft":
        raise NotFound(f"no published item {code} v{version}", field="item_version")
    return catalog_pb2.CatalogItem.FromString(row.record)
