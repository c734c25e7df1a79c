"""Durable clocks of the cases this hall decides (L5): one row per running clock, none for a
stopped or finished one (the same design as the city's, city_center/case/timers.py).

The sweep reads only rows that are due, through the index on `due_at`. Lock order is always
the case row, then its timer, in every path (decide, suspend, withdraw, sweep).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, utcnow
from town_hall.case.models import TownCase


class TownCaseTimer(Base):
    __tablename__ = "town_case_timer"

    case_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("town_case.id", ondelete="CASCADE"), primary_key=True
    )
    due_at: Mapped[datetime] = mapped_column(index=True)
    armed_at: Mapped[datetime] = mapped_column(default=utcnow)


async def arm(session: AsyncSession, case: TownCase) -> None:
    """Start (or move) the clock to the case's deadline."""
    timer = await session.get(TownCaseTimer, case.id)
    if timer is None:
        session.add(TownCaseTimer(case_id=case.id, due_at=case.deadline))
    else:
        timer.due_at = case.deadline
        timer.armed_at = utcnow()


async def disarm(session: AsyncSession, case: TownCase) -> None:
    await session.execute(delete(TownCaseTimer).where(TownCaseTimer.case_id == case.id))


async def due(session: AsyncSession, now: datetime, limit: int) -> list[str]:
    rows = await session.scalars(
        select(TownCaseTimer.case_id)
        .where(TownCaseTimer.due_at <= now)
        .order_by(TownCaseTimer.due_at)
        .limit(limit)
    )
    return list(rows.all())


async def next_due(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(TownCaseTimer.due_at).order_by(TownCaseTimer.due_at).limit(1)
    )
