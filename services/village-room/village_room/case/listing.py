"""A village's cases as lists: the latest, and those whose reply waits to be handed over. The
duty console's today page and `GET /api/v1/cases` read the same functions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from village_room.case.models import Reply, VillageCase


async def recent(
    session: AsyncSession, *, place_code: str, limit: int = 20
) -> list[tuple[VillageCase, Reply | None]]:
    """This place's latest cases with their replies, if any: the "follow a case" list."""
    rows = await session.execute(
        select(VillageCase, Reply)
        .outerjoin(Reply, Reply.case_id == VillageCase.id)
        .where(VillageCase.place_code == place_code)
        .order_by(VillageCase.accepted_at.desc())
        .limit(limit)
    )
    return [(case, reply) for case, reply in rows.tuples()]


async def to_hand_over(
    session: AsyncSession, *, place_code: str, limit: int = 50
) -> list[tuple[VillageCase, Reply]]:
    """Replies and certificates come down and wait here for the applicant, oldest first."""
    rows = await session.execute(
        select(VillageCase, Reply)
        .join(Reply, Reply.case_id == VillageCase.id)
        .where(VillageCase.place_code == place_code, Reply.handed_over_at.is_(None))
        .order_by(Reply.ready_at)
        .limit(limit)
    )
    return [(case, reply) for case, reply in rows.tuples()]
