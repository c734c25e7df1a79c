from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.errors import InvalidArgument
from village_room.visit.models import Visit


async def register(session: AsyncSession, *, place_code: str, staff_id: str, topic: str) -> Visit:
    visit = Visit(place_code=place_code, staff_id=staff_id, topic=topic)
    session.add(visit)
    await session.flush()
    return visit


async def get_for_place(session: AsyncSession, *, visit_id: str, place_code: str) -> Visit:
    visit = await session.get(Visit, visit_id)
    if visit is None or visit.place_code != place_code:
        raise InvalidArgument(
            f"no visit {visit_id} at this place",
            message_zh="本服务室无此来访登记",
            field="visit_id",
        )
    return visit


async def list_for_place(
    session: AsyncSession, *, place_code: str, limit: int = 100
) -> list[Visit]:
    rows = await session.scalars(
        select(Visit)
        .where(Visit.place_code == place_code)
        .order_by(Visit.visited_at.desc())
        .limit(limit)
    )
    return list(rows.all())
