"""A case's clock is a row (one per running clock, none for a stopped or finished one), so it
survives restarts and any replica may sweep. The sweep reads only rows that are due, through the
index on `due_at`, so its cost grows with the cases due, not with all cases. Lock order is
always the case row, then its timer, in every path (decide, suspend, withdraw, sweep).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from govnet_kit.db import skip_locked, utcnow


class Timer:
    """Mixin for a tier's clock table: `class CaseTimer(Timer, Base)` with `__tablename__`
    and `case_table`, the table of the cases it times."""

    case_table: ClassVar[str]

    @declared_attr
    def case_id(cls) -> Mapped[str]:
        return mapped_column(
            String(36), ForeignKey(f"{cls.case_table}.id", ondelete="CASCADE"), primary_key=True
        )

    due_at: Mapped[datetime] = mapped_column(index=True)
    armed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Clocks:
    """Start, move and stop the clocks of one timer table."""

    def __init__(self, timer: type[Timer]):
        self.timer = timer

    async def arm(self, session: AsyncSession, case: Any) -> None:
        """Start (or move) the case's clock to its deadline."""
        row = await session.get(self.timer, case.id)
        if row is None:
            session.add(self.timer(case_id=case.id, due_at=case.deadline))  # type: ignore[call-arg]
        else:
            row.due_at = case.deadline
            row.armed_at = utcnow()

    async def disarm(self, session: AsyncSession, case: Any) -> None:
        await session.execute(delete(self.timer).where(self.timer.case_id == case.id))

    async def lock_due(
        self,
        session: AsyncSession,
        case_model: Any,
        now: datetime,
        limit: int,
        *,
        among: Collection[str] | None = None,
        excluding: Collection[str] = (),
    ) -> list[Any]:
        """Lock up to `limit` cases whose clocks have run out, earliest first, skipping the
        cases another transaction holds (being decided, or another replica's batch); only
        those `among` the given ids when given, never those `excluding`. Returns the locked
        case rows as they are now (refreshed over any older copy in the session)."""
        timer = self.timer
        query = (
            select(case_model)
            .join(timer, timer.case_id == case_model.id)
            .where(timer.due_at <= now)
            .order_by(timer.due_at)
            .limit(limit)
            .with_for_update(of=case_model, **skip_locked(session))
            .execution_options(populate_existing=True)
        )
        if among is not None:
            query = query.where(case_model.id.in_(list(among)))
        if excluding:
            query = query.where(case_model.id.not_in(list(excluding)))
        return list((await session.scalars(query)).all())

    async def stop_due(
        self, session: AsyncSession, case_ids: Sequence[str], now: datetime
    ) -> set[str]:
        """Stop the clocks of these (locked) cases that are still due; returns their ids. A
        clock that moved on (suspended and resumed since it was read) is left running. On
        SQLite the delete is what takes the write lock, so it sees every committed sweep."""
        if not case_ids:
            return set()
        stopped = await session.scalars(
            delete(self.timer)
            .where(self.timer.case_id.in_(list(case_ids)), self.timer.due_at <= now)
            .returning(self.timer.case_id)
            .execution_options(synchronize_session=False)
        )
        return set(stopped)

    async def next_due(self, session: AsyncSession) -> datetime | None:
        return await session.scalar(select(self.timer.due_at).order_by(self.timer.due_at).limit(1))
