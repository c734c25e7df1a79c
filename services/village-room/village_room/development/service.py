from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.errors import InvalidArgument
from village_room.development.models import DevelopmentActivity, DevelopmentSession
from village_room.room import records


async def create(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    kind: str,
    title: str,
    description: str,
) -> DevelopmentActivity:
    row = DevelopmentActivity(
        place_code=place_code, staff_id=staff_id, kind=kind, title=title, description=description
    )
    session.add(row)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="development.activity_created",
        data={"place_code": place_code, "activity_id": row.id, "kind": kind},
    )
    return row


async def get(session: AsyncSession, *, place_code: str, activity_id: str) -> DevelopmentActivity:
    return await records.get_at_place(
        session, DevelopmentActivity, activity_id, place_code=place_code, what_zh="经济发展服务"
    )


async def add_session(
    session: AsyncSession,
    *,
    place_code: str,
    activity_id: str,
    staff_id: str,
    held_on: date,
    topic: str,
    instructor: str,
    attendance: int,
    attendee_applicant_ids: list[str],
) -> DevelopmentSession:
    activity = await get(session, place_code=place_code, activity_id=activity_id)
    records.not_in_future(held_on, field="held_on")
    if len(set(attendee_applicant_ids)) != len(attendee_applicant_ids):
        raise InvalidArgument(
            "an attendee is named twice",
            message_zh="参加人员重复",
            field="attendee_applicant_ids",
        )
    if len(attendee_applicant_ids) > attendance:
        raise InvalidArgument(
            f"{len(attendee_applicant_ids)} attendees named but attendance is {attendance}",
            message_zh=f"列出的参加人员（{len(attendee_applicant_ids)} 人）多于参加人数（{attendance} 人）",
            field="attendance",
        )
    await records.applicants_here(
        session, attendee_applicant_ids, place_code=place_code, field="attendee_applicant_ids"
    )
    row = DevelopmentSession(
        activity_id=activity.id,
        held_on=held_on,
        topic=topic,
        instructor=instructor,
        attendance=attendance,
        attendee_applicant_ids=attendee_applicant_ids,
        staff_id=staff_id,
    )
    session.add(row)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="development.session_held",
        data={
            "place_code": place_code,
            "activity_id": activity.id,
            "session_id": row.id,
            "held_on": held_on.isoformat(),
            "attendance": attendance,
        },
    )
    return row


async def sessions_of(session: AsyncSession, activity_id: str) -> list[DevelopmentSession]:
    rows = await session.scalars(
        select(DevelopmentSession)
        .where(DevelopmentSession.activity_id == activity_id)
        .order_by(DevelopmentSession.held_on, DevelopmentSession.id)
    )
    return list(rows.all())


async def list_at(
    session: AsyncSession, *, place_code: str, kind: str | None
) -> list[DevelopmentActivity]:
    q = select(DevelopmentActivity).where(DevelopmentActivity.place_code == place_code)
    if kind:
        q = q.where(DevelopmentActivity.kind == kind)
    rows = await session.scalars(q.order_by(DevelopmentActivity.created_at.desc()).limit(500))
    return list(rows.all())
