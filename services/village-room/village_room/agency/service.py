from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict
from village_room.agency.models import AgencyRecord
from village_room.room import records
from village_room.visit import service as visit_service


async def record(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    kind: str,
    applicant_id: str,
    visit_id: str | None,
    case_number: str | None,
    note: str,
) -> AgencyRecord:
    await visit_service.require_applicant_here(
        session, applicant_id=applicant_id, place_code=place_code
    )
    row = AgencyRecord(
        place_code=place_code,
        kind=kind,
        applicant_id=applicant_id,
        staff_id=staff_id,
        visit_id=visit_id,
        case_number=case_number,
        note=note,
    )
    session.add(row)
    await records.settle_visit(
        session,
        visit_id=visit_id,
        place_code=place_code,
        outcome="applied_as_agent",
        staff_id=staff_id,
        case_number=case_number,
    )
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="agency.recorded",
        case_number=case_number,
        subject_ref=f"applicant:{applicant_id}",
        data={"place_code": place_code, "agency_id": row.id, "kind": kind},
    )
    return row


async def hand_over(
    session: AsyncSession, *, place_code: str, record_id: str, staff_id: str
) -> AgencyRecord:
    row = await records.get_at_place(
        session, AgencyRecord, record_id, place_code=place_code, what_zh="代办记录"
    )
    if row.handed_over_at is not None:
        raise Conflict(
            f"handed over already, by {row.handed_over_by}",
            message_zh=f"证照已由 {row.handed_over_by} 交付",
            field="id",
        )
    row.handed_over_at, row.handed_over_by = utcnow(), staff_id
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="agency.handed_over",
        case_number=row.case_number,
        subject_ref=f"applicant:{row.applicant_id}",
        data={"place_code": place_code, "agency_id": row.id, "kind": row.kind},
    )
    return row


async def list_at(
    session: AsyncSession, *, place_code: str, kind: str | None
) -> list[AgencyRecord]:
    q = select(AgencyRecord).where(AgencyRecord.place_code == place_code)
    if kind:
        q = q.where(AgencyRecord.kind == kind)
    rows = await session.scalars(q.order_by(AgencyRecord.recorded_at.desc()).limit(500))
    return list(rows.all())
