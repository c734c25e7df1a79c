from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from village_room.consultation.models import Consultation
from village_room.room import records


async def record(
    session: AsyncSession, *, place_code: str, staff_id: str, **data: str | None
) -> Consultation:
    if data.get("applicant_id"):
        await records.applicants_here(
            session, [str(data["applicant_id"])], place_code=place_code, field="applicant_id"
        )
    row = Consultation(place_code=place_code, staff_id=staff_id, **data)
    session.add(row)
    # Sent elsewhere for more: the register says redirected; otherwise consulted.
    outcome = "redirected" if data.get("referred_to") else "consulted"
    await records.settle_visit(
        session,
        visit_id=data.get("visit_id"),
        place_code=place_code,
        outcome=outcome,
        staff_id=staff_id,
    )
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="consultation.recorded",
        subject_ref=f"applicant:{row.applicant_id}" if row.applicant_id else None,
        data={"place_code": place_code, "consultation_id": row.id, "field": row.field},
    )
    return row


async def list_at(
    session: AsyncSession, *, place_code: str, field: str | None
) -> list[Consultation]:
    q = select(Consultation).where(Consultation.place_code == place_code)
    if field:
        q = q.where(Consultation.field == field)
    rows = await session.scalars(q.order_by(Consultation.recorded_at.desc()).limit(500))
    return list(rows.all())
