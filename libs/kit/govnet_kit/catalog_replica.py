"""The lower tiers' local read copy of the city's published catalog (decision 3).

Published versions arrive as NATS events and are stored verbatim, so a township or village
validates an application without a call upward, even offline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet.catalog.v1 import catalog_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import calendar_table
from govnet_kit.consumer import Event
from govnet_kit.db import Base, utcnow
from govnet_kit.tiers import TIER_NAMES, handling_at

__all__ = ["TIER_NAMES", "handling_at"]  # re-exported: callers predate govnet_kit.tiers

CATALOG_SUBJECTS = ["govnet.catalog.>"]


class CatalogReplica(Base):
    __tablename__ = "catalog_replica"

    item_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    item: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


async def store(session: AsyncSession, item: catalog_pb2.CatalogItem) -> None:
    existing = await session.get(CatalogReplica, (item.code, item.version))
    if existing is None:  # published versions are frozen: the first copy is the copy
        session.add(
            CatalogReplica(
                item_code=item.code,
                version=item.version,
                department_code=item.department_code,
                item=item.SerializeToString(),
            )
        )


async def handle_published(session: AsyncSession, event: Event) -> None:
    """Everything the city publishes for the tiers below: items, and the calendar table."""
    if event.subject.startswith(calendar_table.SUBJECT_PREFIX):
        await calendar_table.handle_published(session, event.data)
        return
    published = events_pb2.CatalogItemPublished.FromString(event.data)
    await store(session, published.item)


async def current(session: AsyncSession, item_code: str) -> catalog_pb2.CatalogItem | None:
    """The version in force: the highest published version received."""
    row = await session.scalar(
        select(CatalogReplica)
        .where(CatalogReplica.item_code == item_code)
        .order_by(CatalogReplica.version.desc())
        .limit(1)
    )
    return catalog_pb2.CatalogItem.FromString(row.item) if row else None


async def version(
    session: AsyncSession, item_code: str, item_version: int
) -> catalog_pb2.CatalogItem | None:
    row = await session.get(CatalogReplica, (item_code, item_version))
    return catalog_pb2.CatalogItem.FromString(row.item) if row else None


async def in_force(session: AsyncSession) -> list[catalog_pb2.CatalogItem]:
    """Every item's version in force (the highest received), by code."""
    latest = (
        select(CatalogReplica.item_code, func.max(CatalogReplica.version).label("version"))
        .group_by(CatalogReplica.item_code)
        .subquery()
    )
    rows = await session.scalars(
        select(CatalogReplica.item)
        .join(
            latest,
            (CatalogReplica.item_code == latest.c.item_code)
            & (CatalogReplica.version == latest.c.version),
        )
        .order_by(CatalogReplica.item_code)
    )
    return [catalog_pb2.CatalogItem.FromString(raw) for raw in rows]
