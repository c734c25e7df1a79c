"""The reads the record pages need beyond the JSON API's: the room's latest meetings, so that a
meeting convened earlier can be found again to record its votes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from village_room.proposal.models import RepresentativeMeeting


async def recent_meetings(
    session: AsyncSession, *, place_code: str, limit: int = 20
) -> list[RepresentativeMeeting]:
    rows = await session.scalars(
        select(RepresentativeMeeting)
        .where(RepresentativeMeeting.place_code == place_code)
        .order_by(RepresentativeMeeting.held_on.desc(), RepresentativeMeeting.id)
        .limit(limit)
    )
    return list(rows.all())
