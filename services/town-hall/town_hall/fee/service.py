"""Fees at the township window (C6): the kit's fee record (govnet_kit.fee_records), assessed
from the case's catalog version in the hall's copy, paid in cash or by card at the window with
a receipt number per township and year, waived only with a reason. Every change is in the audit
chain; functions flush, never commit (rule 5).

One window collects: the window where the applicant applied. A case a village room forwarded
was assessed and collected there, so the hall keeps a fee only for its own walk-in cases."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import fee_records
from govnet_kit.errors import Conflict
from govnet_kit.fee_records import FeeCase, Receipt
from town_hall.case.models import TownCase
from town_hall.fee.models import TownFeeCharge

BOOK = fee_records.FeeBook(TownFeeCharge)


def collected_here(case: TownCase) -> bool:
    return case.walk_in


def fee_case(case: TownCase) -> FeeCase:
    if not collected_here(case):
        raise Conflict(
            f"the fee of case {case.case_number} is collected at the village service room "
            f"{case.origin_place_code}, where it was applied for",
            message_zh=f"该件由受理地村便民服务室（{case.origin_place_code}）收费，本大厅不再收取",
            field="fee",
        )
    return FeeCase(case.id, case.case_number, case.township_code, case.item_code, case.item_version)


async def charge_for(
    session: AsyncSession, case: TownCase, *, actor: str, lock: bool = False
) -> TownFeeCharge:
    """The case's fee, assessed on first access from the version the case was accepted under."""
    charge = await BOOK.charge_for(session, fee_case(case), actor=actor, lock=lock)
    assert isinstance(charge, TownFeeCharge)
    return charge


async def assess(session: AsyncSession, *, case: TownCase, units: int, actor: str) -> TownFeeCharge:
    """Assess again with the units the window counted, while nothing has been paid."""
    charge = await BOOK.assess(session, case=fee_case(case), units=units, actor=actor)
    assert isinstance(charge, TownFeeCharge)
    return charge


async def pay_at_window(
    session: AsyncSession, *, case: TownCase, method: str, staff_id: str, staff_name: str = ""
) -> TownFeeCharge:
    """Cash or card taken at the window; the receipt number is issued now, once."""
    charge = await BOOK.pay_at_window(
        session, case=fee_case(case), method=method, staff_id=staff_id, staff_name=staff_name
    )
    assert isinstance(charge, TownFeeCharge)
    return charge


async def waive(
    session: AsyncSession, *, case: TownCase, reason: str, staff_id: str
) -> TownFeeCharge:
    """Only the window staff, only a fee still due, and only with the reason on record."""
    charge = await BOOK.waive(session, case=fee_case(case), reason=reason, staff_id=staff_id)
    assert isinstance(charge, TownFeeCharge)
    return charge


async def receipt(session: AsyncSession, *, case: TownCase, actor: str) -> Receipt:
    return await BOOK.receipt(session, case=fee_case(case), actor=actor)


async def settled(session: AsyncSession, case: TownCase) -> bool:
    """True when nothing is owed at this window: free, paid or waived (gates the hand-over)."""
    return await BOOK.settled(session, fee_case(case), actor="system:town-hall")
