"""Fees over HTTP (C6): the duty staff assess, take payment at the window, waive with a reason
and print the receipt; the applicant signed in with a one-time code pays online; the provider's
callback is public but must carry a valid signature."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import access_log
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError, InvalidArgument, PermissionDenied, Unauthenticated
from govnet_kit.fees import yuan
from govnet_kit.payments import SIGNATURE_HEADER, PaymentProvider, make_provider
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from govnet_kit.worktime import SHANGHAI
from village_room.applicant import service as applicant_service
from village_room.case import service as case_service
from village_room.case.models import VillageCase
from village_room.fee import flows, service
from village_room.fee.models import FeeCharge, PaymentOrder
from village_room.fee.schemas import (
    AssessIn,
    CallbackOut,
    FeeLine,
    FeeOut,
    OnlineOrderOut,
    ReceiptOut,
    WaiverIn,
    WindowPaymentIn,
)

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime

router = APIRouter(prefix="/api/v1", tags=["fees"])
MAX_CALLBACK_BYTES = 64 * 1024  # an order report is a few hundred bytes
METHOD_ZH = {"cash": "现金", "card": "刷卡", "online": "网上支付"}


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


@asynccontextmanager
async def refusals(
    runtime: Runtime, actor: str, case_number: str | None, attempt: str
) -> AsyncIterator[None]:
    """A refused fee operation is rolled back, then recorded in a transaction of its own.
    Access refusals are recorded by the error handler already. The fee pages use it too."""
    try:
        yield
    except (Unauthenticated, PermissionDenied):
        raise
    except DomainError as exc:
        await access_log.record(
            runtime.sessions,
            actor=actor,
            action="fee.refused",
            case_number=case_number,
            data={"attempt": attempt, "code": exc.code, "field": exc.field, "reason": exc.message},
        )
        raise


def _lines(charge: FeeCharge) -> list[FeeLine]:
    return [
        FeeLine(
            label_zh=str(line["label_zh"]),
            label_en=str(line["label_en"]),
            amount_fen=int(line["amount_fen"]),  # type: ignore[call-overload]
            amount_yuan=yuan(int(line["amount_fen"])),  # type: ignore[call-overload]
        )
        for line in charge.lines
    ]


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
    zh, en = service.STATUS_TEXT[charge.status]
    return FeeOut(
        case_number=case.case_number,
        item_code=charge.item_code,
        item_version=charge.item_version,
        status=charge.status,  # type: ignore[arg-type]
        status_zh=zh,
        status_en=en,
        units=charge.units,
        lines=_lines(charge),
        amount_fen=charge.amount_fen,
        amount_yuan=yuan(charge.amount_fen),
        fee_basis_zh=charge.fee_basis_zh,
        fee_basis_en=charge.fee_basis_en,
        method=charge.method,
        receipt_number=charge.receipt_number,
        paid_at=charge.paid_at,
        waiver_reason=charge.waiver_reason,
        waived_at=charge.waived_at,
        online_order=_order_out(order),
    )


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
                session, case=case, method=body.method, staff_id=principal.subject
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


def receipt_out(receipt: service.Receipt) -> ReceiptOut:
    charge, item = receipt.charge, receipt.item
    assert charge.receipt_number and charge.method and charge.paid_at
    lines = _lines(charge)
    paid_local = charge.paid_at.astimezone(SHANGHAI)
    text = "\n".join(
        [
            "缴费收据 / Fee receipt",
            f"收据号 Receipt No.: {charge.receipt_number}",
            f"办件编号 Case No.: {receipt.case_number}",
            f"事项 Item: {item.name_zh} / {item.name_en} ({item.code} v{item.version})",
            *(f"  {ln.label_zh} / {ln.label_en}: {ln.amount_yuan} 元 yuan" for ln in lines),
            f"合计 Total: {yuan(charge.amount_fen)} 元 yuan",
            f"缴费方式 Paid by: {METHOD_ZH.get(charge.method, charge.method)} / {charge.method}",
            f"缴费时间 Paid at: {paid_local:%Y-%m-%d %H:%M} (北京时间 Beijing time)",
            f"收费依据 Fee basis: {charge.fee_basis_zh} / {charge.fee_basis_en}",
        ]
    )
    return ReceiptOut(
        receipt_number=charge.receipt_number,
        case_number=receipt.case_number,
        place_code=charge.place_code,
        item_code=item.code,
        item_version=item.version,
        item_name_zh=item.name_zh,
        item_name_en=item.name_en,
        lines=lines,
        amount_fen=charge.amount_fen,
        amount_yuan=yuan(charge.amount_fen),
        method=charge.method,
        method_zh=METHOD_ZH.get(charge.method, charge.method),
        paid_at=charge.paid_at,
        fee_basis_zh=charge.fee_basis_zh,
        fee_basis_en=charge.fee_basis_en,
        text=text,
    )
