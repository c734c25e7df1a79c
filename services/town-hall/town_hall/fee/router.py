"""The township window's fees over HTTP (C6): its staff read the fee assessed from the case's
catalog version, assess it again with the units counted, take cash or card (answered with the
receipt), waive it with a reason, and fetch the receipt. Only town staff of the case's township
(A2); a refused operation is recorded (govnet_kit.fee_http.refusals), as at the village."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.fee_http import (
    AssessIn,
    FeeOut,
    ReceiptOut,
    WaiverIn,
    WindowPaymentIn,
    fee_out,
    receipt_out,
    refusals,
)
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from town_hall.case import service as case_service
from town_hall.case.models import TownCase
from town_hall.fee import service

router = APIRouter(prefix="/api/v1", tags=["fees"])


async def window_case(session: AsyncSession, principal: Principal, case_number: str) -> TownCase:
    """The case, for the town staff of its township only (the pages' check too)."""
    principal.require_staff(tier="town")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.township_code)
    return case


@router.get("/cases/{case_number}/fee", response_model=FeeOut)
async def get_fee(case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> FeeOut:
    """The fee as assessed from the case's catalog version (assessed on first look)."""
    async with refusals(runtime, principal.subject, case_number, "read"):
        async with transaction(runtime.sessions) as session:
            case = await window_case(session, principal, case_number)
            charge = await service.charge_for(session, case, actor=principal.subject)
            return fee_out(case.case_number, charge)


@router.post("/cases/{case_number}/fee", response_model=FeeOut)
async def assess_fee(
    case_number: str, body: AssessIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FeeOut:
    """The units counted, for items that charge per unit; the fee is assessed again."""
    async with refusals(runtime, principal.subject, case_number, "assess"):
        async with transaction(runtime.sessions) as session:
            case = await window_case(session, principal, case_number)
            charge = await service.assess(
                session, case=case, units=body.units, actor=principal.subject
            )
            return fee_out(case.case_number, charge)


@router.post("/cases/{case_number}/fee/payments", response_model=ReceiptOut, status_code=201)
async def pay_at_window(
    case_number: str, body: WindowPaymentIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ReceiptOut:
    """Cash or card taken at the window; answers with the receipt to print."""
    async with refusals(runtime, principal.subject, case_number, "pay"):
        async with transaction(runtime.sessions) as session:
            case = await window_case(session, principal, case_number)
            await service.pay_at_window(
                session,
                case=case,
                method=body.method,
                staff_id=principal.subject,
                staff_name=principal.name,
            )
            return receipt_out(await service.receipt(session, case=case, actor=principal.subject))


@router.post("/cases/{case_number}/fee/waiver", response_model=FeeOut)
async def waive(
    case_number: str, body: WaiverIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FeeOut:
    """Waived only with the reason on record."""
    async with refusals(runtime, principal.subject, case_number, "waive"):
        async with transaction(runtime.sessions) as session:
            case = await window_case(session, principal, case_number)
            charge = await service.waive(
                session, case=case, reason=body.reason, staff_id=principal.subject
            )
            return fee_out(case.case_number, charge)


@router.get("/cases/{case_number}/fee/receipt", response_model=ReceiptOut)
async def get_receipt(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ReceiptOut:
    async with refusals(runtime, principal.subject, case_number, "receipt"):
        async with transaction(runtime.sessions) as session:
            case = await window_case(session, principal, case_number)
            return receipt_out(await service.receipt(session, case=case, actor=principal.subject))
