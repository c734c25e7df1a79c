"""Durable case clocks (L5): one row per running clock, none for a stopped or finished one.

The sweep reads only rows that are due, through the index on `due_at`, so its cost grows with
the cases due, not with all cases. Lock order is always the case row, then its timer, in every
path (decide, suspend, sweep), so they never deadlock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from city_center.case.models import CityCase
from govnet_kit.db import Base, utcnow


class CaseTimer(Base):
    __tablename__ = "case_timer"

    case_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("city_case.id", ondelete="CASCADE"), primary_key=True
    )
    due_at: Mapped[datetime] = mapped_column(index=True)
    armed_at: Mapped[datetime] = mapped_column(default=utcnow)


async def arm(session: AsyncSession, case: CityCase) -> None:
    """Start (or move) the clock to the case's deadline."""
    timer = await session.get(CaseTimer, case.id)
    if timer is None:
        session.add(CaseTimer(case_id=case.id, due_at=case.deadline))
    else:
        timer.due_at = case.deadline
        timer.armed_at = utcnow()


async def disarm(session: AsyncSession, case: CityCase) -> None:
    await session.execute(delete(CaseTimer).where(CaseTimer.case_id == case.id))


async def due(session: AsyncSession, now: datetime, limit: int) -> list[str]:
    rows = await session.scalars(
        select(CaseTimer.case_id)
        .where(CaseTimer.due_at <= now)
        .order_by(CaseTimer.due_at)
        .limit(limit)
    )
    return list(rows.all())


async def next_due(session: AsyncSession) -> datetime | None:
    return await session.scalar(select(CaseTimer.due_at).order_by(CaseTimer.due_at).limit(1))
