"""Catalog versions (C1, C2, decision 3), like Open Zaak's case types.

draft (editable) -> published (frozen, in force, replicated down) -> retired (by the next
published version). A case keeps the version it was accepted under (`get_version`). At most
one draft per item, so the next version is prepared while the current one stays in force.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.catalog import records, rules
from city_center.catalog.models import DRAFT, PUBLISHED, RETIRED, Department, Item
from city_center.catalog.schemas import ItemSpec
from govnet.catalog.v1 import catalog_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import audit
from govnet_kit.db import new_id, utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound
from govnet_kit.messaging import add_event

SYSTEM = "system:catalog"


def item_subject(code: str) -> str:
    return f"govnet.catalog.item.{code}"


async def department_codes(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(Department.code)))


async def _complete(
    session: AsyncSession, record: catalog_pb2.CatalogItem, departments: set[str] | None = None
) -> None:
    """Refuse a record that breaks a rule; copy the department's names into it."""
    if departments is None:
        departments = await department_codes(session)
    try:
        spec = records.to_spec(record)
    except Exception as exc:  # noqa: BLE001 - a record that no file could have produced
        raise InvalidArgument(f"item {record.code} is malformed: {exc}", field="item") from exc
    problems = rules.check(spec, departments)
    if problems:
        raise rules.CatalogInvalid(problems)
    department = await session.get(Department, record.department_code)
    assert department is not None  # checked above
    record.department_name_zh = department.name_zh
    record.department_name_en = department.name_en


def write_record(row: Item, record: catalog_pb2.CatalogItem) -> None:
    row.department_code = record.department_code
    row.name_zh = record.name_zh
    row.name_en = record.name_en
    row.category_code = record.category_code
    row.accepting_tiers = records.accepting_tiers(record)
    row.record = record.SerializeToString(deterministic=True)
    row.updated_at = utcnow()


async def publish(
    session: AsyncSession,
    *,
    record: catalog_pb2.CatalogItem,
    actor: str = SYSTEM,
    departments: set[str] | None = None,
    audited: bool = True,
) -> Item:
    """Freeze a version and replicate it down. Publishing the same version again is a no-op.

    `audited=False` is for an import, which records one entry listing every version it wrote.
    """
    await _complete(session, record, departments)
    versions = {
        r.version: r for r in await session.scalars(select(Item).where(Item.code == record.code))
    }
    existing = versions.get(record.version)
    if existing is not None and existing.status != DRAFT:
        if existing.status == PUBLISHED and records.content_of(
            catalog_pb2.CatalogItem.FromString(existing.record)
        ) == records.content_of(record):
            return existing
        raise Conflict(
            f"item {record.code} version {record.version} is frozen",
            message_zh="已发布的版本不可修改",
            field="version",
        )
    newer = [v for v, r in versions.items() if v > record.version and r.status != DRAFT]
    if newer:
        raise Conflict(
            f"item {record.code} already has version {max(newer)} published",
            message_zh=f"已有更新的版本 {max(newer)}",
            field="version",
        )
    now = utcnow()
    item = existing or Item(code=record.code, version=record.version)
    write_record(item, record)
    item.status = PUBLISHED
    item.published_at = now
    session.add(item)
    # The earlier version in force retires; cases accepted under it keep it.
    retired = []
    for older in versions.values():
        if older.version < record.version and older.status == PUBLISHED:
            older.status, older.retired_at = RETIRED, now
            retired.append(older.version)
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
    if audited:
        await audit.append(
            session,
            actor=actor,
            action="catalog.published",
            data={"item_code": record.code, "version": record.version, "retired": retired},
            at=now,
        )
    await session.flush()
    return item


# -- drafts ------------------------------------------------------------------------------------


async def _latest_version(session: AsyncSession, code: str) -> int:
    return await session.scalar(select(func.max(Item.version)).where(Item.code == code)) or 0


async def _the_draft(session: AsyncSession, code: str) -> Item | None:
    return await session.scalar(select(Item).where(Item.code == code, Item.status == DRAFT))


async def _no_draft_yet(session: AsyncSession, code: str) -> None:
    draft = await _the_draft(session, code)
    if draft is not None:
        raise Conflict(
            f"item {code} already has a draft, version {draft.version}: edit or delete it",
            message_zh=f"该事项已有草稿（第 {draft.version} 版）",
            field="code",
        )


async def _new_draft(
    session: AsyncSession, record: catalog_pb2.CatalogItem, actor: str, departments: set[str]
) -> Item:
    await _complete(session, record, departments)
    item = Item(code=record.code, version=record.version, status=DRAFT)
    write_record(item, record)
    session.add(item)
    await audit.append(
        session,
        actor=actor,
        action="catalog.draft_created",
        data={"item_code": record.code, "version": record.version},
    )
    await session.flush()
    return item


async def create_draft(
    session: AsyncSession, *, spec: ItemSpec, actor: str, departments: set[str] | None = None
) -> Item:
    """A new item, or the next version of an item, written out in full."""
    await _no_draft_yet(session, spec.code)
    latest = await _latest_version(session, spec.code)
    if spec.version is not None and spec.version <= latest:
        raise Conflict(
            f"item {spec.code} is at version {latest}; a draft needs a higher one",
            message_zh=f"版本号须大于 {latest}",
            field="version",
        )
    record = records.to_record(spec, version=spec.version or latest + 1)
    if departments is None:
        departments = await department_codes(session)
    return await _new_draft(session, record, actor, departments)


async def draft_next_version(session: AsyncSession, *, code: str, actor: str) -> Item:
    """The next version as a copy of the one in force, to edit while that one stays in force."""
    await _no_draft_yet(session, code)
    record = await get_in_force(session, code)
    record.version = await _latest_version(session, code) + 1
    return await _new_draft(session, record, actor, await department_codes(session))


async def _draft(session: AsyncSession, code: str, version: int) -> Item:
    item = await session.get(Item, (code, version))
    if item is None:
        raise NotFound(f"no version {version} of item {code}", message_zh="无此版本")
    if item.status != DRAFT:
        raise Conflict(
            f"item {code} version {version} is {item.status} and frozen",
            message_zh="已发布或已废止的版本不可修改",
            field="version",
        )
    return item


async def update_draft(
    session: AsyncSession, *, code: str, version: int, spec: ItemSpec, actor: str
) -> Item:
    item = await _draft(session, code, version)
    if spec.code != code or spec.version not in (None, version):
        raise InvalidArgument(
            "the body's code and version must be the draft's",
            message_zh="编码或版本不符",
            field="code",
        )
    record = records.to_record(spec, version=version)
    await _complete(session, record)
    write_record(item, record)
    await audit.append(
        session,
        actor=actor,
        action="catalog.draft_updated",
        data={"item_code": code, "version": version},
    )
    await session.flush()
    return item


async def delete_draft(session: AsyncSession, *, code: str, version: int, actor: str) -> None:
    await _draft(session, code, version)
    await session.execute(delete(Item).where(Item.code == code, Item.version == version))
    await audit.append(
        session,
        actor=actor,
        action="catalog.draft_deleted",
        data={"item_code": code, "version": version},
    )


async def publish_draft(session: AsyncSession, *, code: str, version: int, actor: str) -> Item:
    item = await _draft(session, code, version)
    return await publish(
        session, record=catalog_pb2.CatalogItem.FromString(item.record), actor=actor
    )


async def drafts(session: AsyncSession) -> list[Item]:
    return list(await session.scalars(select(Item).where(Item.status == DRAFT).order_by(Item.code)))


# -- reading -----------------------------------------------------------------------------------


async def in_force(session: AsyncSession) -> list[catalog_pb2.CatalogItem]:
    rows = await session.scalars(
        select(Item).where(Item.status == PUBLISHED).order_by(Item.department_code, Item.code)
    )
    return [catalog_pb2.CatalogItem.FromString(r.record) for r in rows]


async def get_in_force(session: AsyncSession, code: str) -> catalog_pb2.CatalogItem:
    row = await session.scalar(select(Item).where(Item.code == code, Item.status == PUBLISHED))
    if row is None:
        raise NotFound(
            f"no item {code} in force", message_zh=f"无此事项：{code}", field="item_code"
        )
    return catalog_pb2.CatalogItem.FromString(row.record)


async def get_version(session: AsyncSession, code: str, version: int) -> catalog_pb2.CatalogItem:
    """A published or retired version: the one a case was accepted under."""
    row = await session.get(Item, (code, version))
    if row is None or row.status == DRAFT:
        raise NotFound(f"no published item {code} v{version}", field="item_version")
    return catalog_pb2.CatalogItem.FromString(row.record)


async def get_published(
    session: AsyncSession, code: str, version: int | None = None
) -> tuple[catalog_pb2.CatalogItem, str]:
    """The version in force (no version given) or a published or retired one, with its status."""
    if version:
        row = await session.get(Item, (code, version))
    else:
        row = await session.scalar(select(Item).where(Item.code == code, Item.status == PUBLISHED))
    if row is None or row.status == DRAFT:
        raise NotFound(
            f"no published item {code}" + (f" v{version}" if version else ""),
            message_zh=f"无此事项：{code}",
            field="item_code",
        )
    return catalog_pb2.CatalogItem.FromString(row.record), row.status


async def versions(session: AsyncSession, code: str) -> list[Item]:
    rows = list(
        await session.scalars(
            select(Item).where(Item.code == code, Item.status != DRAFT).order_by(Item.version)
        )
    )
    if not rows:
        raise NotFound(f"no published item {code}", message_zh=f"无此事项：{code}", field="code")
    return rows


@dataclass(frozen=True)
class Search:
    tier: str | None = None  # accepted at this tier
    department: str | None = None
    category: str | None = None
    q: str | None = None  # in the code or either name
    limit: int = 100
    offset: int = 0


async def search(
    session: AsyncSession, criteria: Search
) -> tuple[list[catalog_pb2.CatalogItem], int]:
    """The items in force that match, one page of them, and how many match in all."""
    where = [Item.status == PUBLISHED]
    if criteria.tier:
        where.append(Item.accepting_tiers.contains(f"|{criteria.tier}|"))
    if criteria.department:
        where.append(Item.department_code == criteria.department)
    if criteria.category:
        where.append(Item.category_code == criteria.category)
    if criteria.q:
        q = criteria.q.strip()
        where.append(
            or_(
                Item.name_zh.contains(q, autoescape=True),
                func.lower(Item.name_en).contains(q.lower(), autoescape=True),
                func.upper(Item.code).contains(q.upper(), autoescape=True),
            )
        )
    total = await session.scalar(select(func.count()).select_from(Item).where(*where)) or 0
    rows = await session.scalars(
        select(Item)
        .where(*where)
        .order_by(Item.department_code, Item.code)
        .limit(criteria.limit)
        .offset(criteria.offset)
    )
    return [catalog_pb2.CatalogItem.FromString(r.record) for r in rows], total
