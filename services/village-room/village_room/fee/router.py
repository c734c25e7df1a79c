"""Fees over HTTP (C6): the duty staff assess, take payment at the window, waive with a reason
and print the receipt; the applicant signed in with a one-time code pays online; the provider's
callback is public but must carry a valid signature."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.fee_http import (
    AssessIn,
    FeeOut,
    OnlineOrderOut,
    ReceiptOut,
    WaiverIn,
    WindowPaymentIn,
    receipt_out,
    refusals,
)
from govnet_kit.fee_http import fee_out as kit_fee_out
from govnet_kit.payments import SIGNATURE_HEADER, PaymentProvider, make_provider
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.applicant import service as applicant_service
from village_room.case import service as case_service
from village_room.case.models import VillageCase
from village_room.fee import flows, service
from village_room.fee.models import FeeCharge, PaymentOrder
from village_room.fee.schemas import CallbackOut

router = APIRouter(prefix="/api/v1", tags=["fees"])
MAX_CALLBACK_BYTES = 64 * 1024  # an order report is a few hundred bytes


def payment_provider(app: FastAPI) -> PaymentProvider:
    """One provider per process, made from the settings on first use."""
    provider = getattr(app.state, "payments", None)
    if provider is None:
        settings = app.state.runtime.settings
        provider = make_provider(
            settings.payment_provider, settings.payment_callback_secret.get_secret_value().encode()
        )
        app.state.payments = provider
    return provider


def _provider(request: Request) -> PaymentProvider:
    return payment_provider(request.app)


CurrentProvider = Annotated[PaymentProvider, Depends(_provider)]


async def _case(
    session: AsyncSession, principal: Principal, case_number: str, *, staff_only: bool = False
) -> VillageCase:
    """Village staff of the case's place; or, where allowed, the applicant who owns it."""
    if principal.kind == "applicant" and not staff_only:
        return await applicant_service.own_case(
            session, principal=principal, case_number=case_number
        )
    principal.require_staff(tier="village")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.place_code)
    return case


def _order_out(order: PaymentOrder | None) -> OnlineOrderOut | None:
    if order is None:
        return None
    return OnlineOrderOut(
        provider=order.provider,
        provider_order_id=order.provider_order_id,
        amount_fen=order.amount_fen,
        status=order.status,  # type: ignore[arg-type]
        pay_url=order.pay_url,
        created_at=order.created_at,
    )


def fee_out(case: VillageCase, charge: FeeCharge, order: PaymentOrder | None) -> FeeOut:
    return kit_fee_out(case.case_number, charge, _order_out(order))


async def _fee_out(session: AsyncSession, case: VillageCase, charge: FeeCharge) -> FeeOut:
    return fee_out(case, charge, await service.latest_order(session, charge))


@router.get("/cases/{case_number}/fee", response_model=FeeOut)
async def get_fee(
    case_number: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    provider: CurrentProvider,
) -> FeeOut:
    """The fee as assessed from the case's catalog version (assessed on first look)."""
    async with refusals(runtime, principal.subject, case_number, "read"):
        async with transaction(runtime.sessions) as session:
            case = await _case(session, principal, case_number)
            await service.charge_for(session, case, actor=principal.subject)
        # An online payment with no callback yet: ask the provider, so a refresh shows it.
        await flows.reconcile(runtime.sessions, provider, case=case)
        async with transaction(runtime.sessions) as session:
            charge = await service.charge_for(session, case, actor=principal.subject)
            return await _fee_out(session, case, charge)


@router.post("/cases/{case_number}/fee", response_model=FeeOut)
async def assess_fee(
    case_number: str, body: AssessIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FeeOut:
    """Staff record the units counted, for items that charge per unit; the fee is re-assessed."""
    async with refusals(runtime, principal.subject, case_number, "assess"):
        async with transaction(runtime.sessions) as session:
            case = await _case(session, principal, case_number, staff_only=True)
            charge = await service.assess(
                session, case=case, units=body.units, actor=principal.subject
            )
            return await _fee_out(session, case, charge)


@router.post("/cases/{case_number}/fee/payments", response_model=ReceiptOut, status_code=201)
async def pay_at_window(
    case_number: str, body: WindowPaymentIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ReceiptOut:
    """Cash or card taken at the window; answers with the receipt to print."""
    async with refusals(runtime, principal.subject, case_number, "pay"):
        async with transaction(runtime.sessions) as session:
            case = await _case(session, principal, case_number, staff_only=True)
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
    async with refusals(runtime, principal.subject, case_number, "waive"):
        async with transaction(runtime.sessions) as session:
            case = await _case(session, principal, case_number, staff_only=True)
            charge = await service.waive(
                session, case=case, reason=body.reason, staff_id=principal.subject
            )
            return await _fee_out(session, case, charge)


@router.post(
    "/cases/{case_number}/fee/online-payments", response_model=OnlineOrderOut, status_code=201
)
async def pay_online(
    case_number: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    provider: CurrentProvider,
) -> OnlineOrderOut:
    """The applicant's own case only: an order with the provider, and the page to pay it at."""
    applicant_service.require_applicant(principal)
    async with refusals(runtime, principal.subject, case_number, "pay_online"):
        async with transaction(runtime.sessions) as session:
            case = await _case(session, principal, case_number)
        order = await flows.start_online(
            runtime.sessions, provider, case=case, actor=principal.subject
        )
    out = _order_out(order)
    assert out is not None
    return out


@router.get("/cases/{case_number}/fee/receipt", response_model=ReceiptOut)
async def get_receipt(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ReceiptOut:
    async with refusals(runtime, principal.subject, case_number, "receipt"):
        async with transaction(runtime.sessions) as session:
            case = await _case(session, principal, case_number)
            return receipt_out(await service.receipt(session, case=case, actor=principal.subject))


@router.post("/payments/callback", response_model=CallbackOut, tags=["public"])
async def payment_callback(
    request: Request,
    runtime: CurrentRuntime,
    provider: CurrentProvider,
    signature: Annotated[str, Header(alias=SIGNATURE_HEADER)] = "",
) -> CallbackOut:
    """Public on purpose (the provider calls it), so believed only with a valid signature.
    A forged one is refused and recorded; a repeated one changes nothing."""
    body = await request.body()
    if len(body) > MAX_CALLBACK_BYTES:
        raise InvalidArgument(
            "payment callback body too large", message_zh="支付回调内容过大", field="body"
        )
    report = provider.verify_callback(body, signature)
    actor = f"payment-provider:{provider.name}"
    async with refusals(runtime, actor, None, "callback"):
        async with transaction(runtime.sessions) as session:
            result = await service.apply_report(session, report=report, actor=actor)
    return CallbackOut(result=result)  # type: ignore[arg-type]
