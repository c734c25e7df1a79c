from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.errors import Conflict
from village_room.room import records
from village_room.welfare.models import WelfareCollection


async def collect(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    benefit: str,
    beneficiary_applicant_id: str,
    period: str,
    amount_fen: int,
    receipt_number: str,
) -> WelfareCollection:
    """A benefit collected for a villager: once per person, benefit and month; receipts unique."""
    await records.applicants_here(
        session,
        [beneficiary_applicant_id],
        place_code=place_code,
        field="beneficiary_applicant_id",
    )
    await _refuse_duplicate(
        session, place_code, receipt_number, beneficiary_applicant_id, benefit, period
    )
    row = WelfareCollection(
        place_code=place_code,
        benefit=benefit,
        beneficiary_applicant_id=beneficiary_applicant_id,
        collected_by_staff_id=staff_id,
        period=period,
        amount_fen=amount_fen,
        receipt_number=receipt_number,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        # Someone recorded the same at the same moment: say what the first one holds.
        await _refuse_duplicate(
            session, place_code, receipt_number, beneficiary_applicant_id, benefit, period
        )
        raise
    await audit.append(
        session,
        actor=staff_id,
        action="welfare.collected",
        subject_ref=f"applicant:{beneficiary_applicant_id}",
        data={
            "place_code": place_code,
            "collection_id": row.id,
            "benefit": benefit,
            "period": period,
            "amount_fen": amount_fen,
            "receipt_number": receipt_number,
        },
    )
    return row


async def _refuse_duplicate(
    session: AsyncSession,
    place_code: str,
    receipt: str,
    beneficiary: str,
    benefit: str,
    period: str,
) -> None:
    same_period = (
        (WelfareCollection.beneficiary_applicant_id == beneficiary)
        & (WelfareCollection.benefit == benefit)
        & (WelfareCollection.period == period)
    )
    found = await session.scalar(
        select(WelfareCollection).where(
            WelfareCollection.place_code == place_code,
            or_(WelfareCollection.receipt_number == receipt, same_period),
        )
    )
    if found is None:
        return
    if found.receipt_number == receipt:
        raise Conflict(
            f"receipt {receipt} is already recorded (by {found.collected_by_staff_id})",
            message_zh=f"收据号 {receipt} 已登记（经办人 {found.collected_by_staff_id}）",
            field="receipt_number",
        )
    raise Conflict(
        f"{benefit} for {period} was collected already by {found.collected_by_staff_id},"
        f" receipt {found.receipt_number}",
        message_zh=f"该月待遇已由 {found.collected_by_staff_id} 代领，收据号 {found.receipt_number}",
        field="period",
    )


async def list_at(
    session: AsyncSession, *, place_code: str, beneficiary: str | None, period: str | None
) -> list[WelfareCollection]:
    q = select(WelfareCollection).where(WelfareCollection.place_code == place_code)
    if beneficiary:
        q = q.where(WelfareCollection.beneficiary_applicant_id == beneficiary)
    if period:
        q = q.where(WelfareCollection.period == period)
    rows = await session.scalars(q.order_by(WelfareCollection.collected_at.desc()).limit(500))
    return list(rows.all())
