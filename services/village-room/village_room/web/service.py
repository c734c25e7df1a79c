"""The reads the duty console needs beyond the JSON API's: the notice, the slip's item, today's
visits and who is on duty."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import catalog_replica
from govnet_kit.errors import NotFound
from govnet_kit.worktime import SHANGHAI
from village_room.case.models import OneTimeNotice
from village_room.roster import service as roster_service
from village_room.roster.models import DutyMember
from village_room.visit import service as visit_service
from village_room.visit.models import Visit


async def notice_for_place(
    session: AsyncSession, *, notice_id: str, place_code: str
) -> OneTimeNotice:
    """A one-time notice this place issued; another place's is as good as missing."""
    notice = await session.get(OneTimeNotice, notice_id)
    if notice is None or notice.place_code != place_code:
        raise NotFound(f"no notice {notice_id}", message_zh="无此告知书", field="notice_id")
    return notice


async def item_of(session: AsyncSession, code: str, version: int) -> catalog_pb2.CatalogItem:
    """The catalog version a notice or case was issued under (what the applicant was told)."""
    item = await catalog_replica.version(session, code, version)
    if item is None:
        raise NotFound(
            f"no item {code} v{version}", message_zh=f"目录中无此事项：{code}", field="item_code"
        )
    return item


async def visits_today(session: AsyncSession, *, place_code: str, now: datetime) -> list[Visit]:
    today = now.astimezone(SHANGHAI).date()
    return await visit_service.search(
        session, place_code=place_code, where=visit_service.VisitFilter(start=today), limit=50
    )


async def on_duty_today(
    session: AsyncSession, *, place_code: str, now: datetime
) -> list[DutyMember]:
    """Who the roster puts in the room today (an empty list: nobody assigned, said on the page)."""
    today = now.astimezone(SHANGHAI).date()
    duty = await roster_service.on_duty(session, place_code=place_code, start=today, end=today)
    return duty.get(today, [])
