"""Per-staff assessment (考核, T3): visits received, cases accepted as agent, replies on time.

Reads the visit register and the case tables; writes nothing. Applicant satisfaction is not
collected at the village yet, so it is reported as unknown rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.worktime import SHANGHAI
from village_room.case.models import Reply, VillageCase
from village_room.roster.service import check_range
from village_room.visit.models import Visit


@dataclass
class StaffFigures:
    staff_id: str
    visits: int = 0
    cases_accepted: int = 0
    replies_on_time: int = 0
    replies_late: int = 0
    awaiting_reply: int = 0

    @property
    def on_time_rate(self) -> float | None:
        replied = self.replies_on_time + self.replies_late
        return None if replied == 0 else round(self.replies_on_time / replied, 4)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(0), tzinfo=SHANGHAI),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=SHANGHAI),
    )


async def assess(
    session: AsyncSession, *, place_code: str, start: date, end: date
) -> list[StaffFigures]:
    check_range(start, end)
    lo, hi = _bounds(start, end)
    figures: dict[str, StaffFigures] = {}

    def of(staff_id: str) -> StaffFigures:
        return figures.setdefault(staff_id, StaffFigures(staff_id))

    visits = await session.execute(
        select(Visit.staff_id, func.count())
        .where(Visit.place_code == place_code, Visit.visited_at >= lo, Visit.visited_at < hi)
        .group_by(Visit.staff_id)
    )
    for staff_id, count in visits.all():
        of(staff_id).visits = count
    # Cases accepted in the period, with their reply if one came; on time means the reply was
    # ready by the case's deadline.
    cases = await session.execute(
        select(VillageCase.agent_staff_id, VillageCase.deadline, Reply.ready_at)
        .outerjoin(Reply, Reply.case_id == VillageCase.id)
        .where(
            VillageCase.place_code == place_code,
            VillageCase.accepted_at >= lo,
            VillageCase.accepted_at < hi,
        )
    )
    for staff_id, deadline, ready_at in cases.all():
        row = of(staff_id)
        row.cases_accepted += 1
        if ready_at is None:
            row.awaiting_reply += 1
        elif ready_at <= deadline:
            row.replies_on_time += 1
        else:
            row.replies_late += 1
    return sorted(figures.values(), key=lambda f: f.staff_id)
