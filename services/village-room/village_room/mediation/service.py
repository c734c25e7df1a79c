from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument
from govnet_kit.worktime import SHANGHAI
from village_room.mediation.models import Mediation, MediationSession
from village_room.room import records


async def open_case(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    dispute_type: str,
    summary: str,
    party_applicant_ids: list[str],
    visit_id: str | None,
) -> Mediation:
    if len(set(party_applicant_ids)) != len(party_applicant_ids):
        raise InvalidArgument(
            "a party is named twice", message_zh="当事人重复", field="party_applicant_ids"
        )
    await records.applicants_here(
        session, party_applicant_ids, place_code=place_code, field="party_applicant_ids"
    )
    row = Mediation(
        place_code=place_code,
        staff_id=staff_id,
        dispute_type=dispute_type,
        summary=summary,
        party_applicant_ids=party_applicant_ids,
        visit_id=visit_id,
    )
    session.add(row)
    await records.settle_visit(
        session, visit_id=visit_id, place_code=place_code, outcome="mediated", staff_id=staff_id
    )
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="mediation.opened",
        data={
            "place_code": place_code,
            "mediation_id": row.id,
            "dispute_type": dispute_type,
            "party_refs": [f"applicant:{p}" for p in party_applicant_ids],
        },
    )
    return row


async def get(session: AsyncSession, *, place_code: str, mediation_id: str) -> Mediation:
    return await records.get_at_place(
        session, Mediation, mediation_id, place_code=place_code, what_zh="调解记录"
    )


def _still_open(row: Mediation) -> None:
    if row.status != "open":
        raise Conflict(
            f"mediation {row.id} is closed ({row.status})",
            message_zh="该调解已结案",
            field="id",
        )


async def add_session(
    session: AsyncSession,
    *,
    place_code: str,
    mediation_id: str,
    staff_id: str,
    held_on: date,
    notes: str,
) -> MediationSession:
    row = await get(session, place_code=place_code, mediation_id=mediation_id)
    _still_open(row)
    records.not_in_future(held_on, field="held_on")
    if held_on < row.opened_at.astimezone(SHANGHAI).date():
        raise InvalidArgument(
            "a session before the mediation was opened",
            message_zh="调解日期早于立案日期",
            field="held_on",
        )
    # Lock the mediation so two sessions recorded at once get numbers 1 and 2.
    await session.refresh(row, with_for_update=True)
    last = await session.scalar(
        select(func.max(MediationSession.number)).where(MediationSession.mediation_id == row.id)
    )
    item = MediationSession(
        mediation_id=row.id,
        number=(last or 0) + 1,
        held_on=held_on,
        mediator_staff_id=staff_id,
        notes=notes,
    )
    session.add(item)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="mediation.session_held",
        data={"place_code": place_code, "mediation_id": row.id, "session": item.number},
    )
    return item


async def close(
    session: AsyncSession,
    *,
    place_code: str,
    mediation_id: str,
    staff_id: str,
    outcome: str,
    agreement: str,
    referred_to: str,
) -> Mediation:
    row = await get(session, place_code=place_code, mediation_id=mediation_id)
    _still_open(row)
    if outcome == "agreement" and not agreement.strip():
        raise InvalidArgument(
            "an agreement needs its terms", message_zh="请填写调解协议内容", field="agreement"
        )
    if outcome == "referral" and not referred_to.strip():
        raise InvalidArgument(
            "a referral needs where to", message_zh="请填写移送的单位", field="referred_to"
        )
    sessions = await sessions_of(session, row.id)
    if not sessions:
        raise Conflict("no session recorded yet", message_zh="尚无调解记录，不能结案", field="id")
    row.status, row.closed_at = outcome, utcnow()
    row.agreement = agreement if outcome == "agreement" else ""
    row.referred_to = referred_to if outcome == "referral" else ""
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="mediation.closed",
        data={
            "place_code": place_code,
            "mediation_id": row.id,
            "outcome": outcome,
            "sessions": len(sessions),
        },
    )
    return row


async def sessions_of(session: AsyncSession, mediation_id: str) -> list[MediationSession]:
    rows = await session.scalars(
        select(MediationSession)
        .where(MediationSession.mediation_id == mediation_id)
        .order_by(MediationSession.number)
    )
    return list(rows.all())


async def list_at(
    session: AsyncSession, *, place_code: str, status: str | None, dispute_type: str | None
) -> list[Mediation]:
    q = select(Mediation).where(Mediation.place_code == place_code)
    if status:
        q = q.where(Mediation.status == status)
    if dispute_type:
        q = q.where(Mediation.dispute_type == dispute_type)
    rows = await session.scalars(q.order_by(Mediation.opened_at.desc()).limit(500))
    return list(rows.all())
