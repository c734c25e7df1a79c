"""Fees at the village service room (C6): the kit's fee record (govnet_kit.fee_records:
assessed from the case's catalog version, paid at the window, waived only with a reason,
receipted with numbers per place and year), and the village's own online payment on top.

Every change and every refusal is in the audit chain. Services flush, never commit (rule 5);
refusals are recorded by the edge in a transaction of their own (govnet_kit.fee_http).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit, fee_records
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, NotFound
from govnet_kit.fee_records import DUE, ONLINE, FeeCase, Receipt, not_due
from govnet_kit.payments import Order
from village_room.case.models import VillageCase
from village_room.fee.models import FeeCharge, PaymentOrder

BOOK = fee_records.FeeBook(FeeCharge)


def fee_case(case: VillageCase) -> FeeCase:
    return FeeCase(case.id, case.case_number, case.place_code, case.item_code, case.item_version)


async def charge_for(
    session: AsyncSession, case: VillageCase, *, actor: str, lock: bool = False
) -> FeeCharge:
    """The case's fee, assessed on first access from the version the case was accepted under."""
    charge = await BOOK.charge_for(session, fee_case(case), actor=actor, lock=lock)
    assert isinstance(charge, FeeCharge)
    return charge


async def _pending_order(session: AsyncSession, charge: FeeCharge) -> PaymentOrder | None:
    return await session.scalar(
        select(PaymentOrder)
        .where(PaymentOrder.charge_id == charge.id, PaymentOrder.status == "pending")
        .order_by(PaymentOrder.created_at.desc())
        .limit(1)
    )


async def assess(session: AsyncSession, *, case: VillageCase, units: int, actor: str) -> FeeCharge:
    """Assess (again) with the units the staff counted, while nothing has been paid nor is
    being paid online."""

    async def no_online_payment(charge: fee_records.FeeChargeColumns) -> None:
        assert isinstance(charge, FeeCharge)
        if await _pending_order(session, charge):
            raise Conflict(
                "an online payment is under way; wait for its outcome",
                message_zh="网上缴费正在处理中，请待结果后再核定",
                field="status",
            )

    charge = await BOOK.assess(
        session, case=fee_case(case), units=units, actor=actor, check=no_online_payment
    )
    assert isinstance(charge, FeeCharge)
    return charge


async def pay_at_window(
    session: AsyncSession, *, case: VillageCase, method: str, staff_id: str, staff_name: str = ""
) -> FeeCharge:
    """Cash or card taken at the window by the duty staff; the receipt number is issued now."""
    charge = await BOOK.pay_at_window(
        session, case=fee_case(case), method=method, staff_id=staff_id, staff_name=staff_name
    )
    assert isinstance(charge, FeeCharge)
    return charge


async def waive(
    session: AsyncSession, *, case: VillageCase, reason: str, staff_id: str
) -> FeeCharge:
    """Only staff, only a fee still due, and only with the reason on record."""
    charge = await BOOK.waive(session, case=fee_case(case), reason=reason, staff_id=staff_id)
    assert isinstance(charge, FeeCharge)
    return charge


async def receipt(session: AsyncSession, *, case: VillageCase, actor: str) -> Receipt:
    return await BOOK.receipt(session, case=fee_case(case), actor=actor)


async def settled(session: AsyncSession, case: VillageCase) -> bool:
    """True when nothing is owed: free, paid or waived (gates the hand-over of the reply)."""
    return await BOOK.settled(session, fee_case(case), actor="system:village-room")


@dataclass(frozen=True)
class OnlineStart:
    """What to ask the provider for; `existing` when an order is already under way."""

    charge: FeeCharge
    reference: str
    existing: PaymentOrder | None


async def prepare_online(session: AsyncSession, *, case: VillageCase, actor: str) -> OnlineStart:
    charge = await charge_for(session, case, actor=actor)
    if charge.status != DUE:
        raise not_due(charge, "pay online", "网上缴费")
    existing = await _pending_order(session, charge)
    if existing is not None and existing.amount_fen != charge.amount_fen:
        existing = None  # re-assessed since: a new order for the new amount
    return OnlineStart(charge=charge, reference=case.case_number, existing=existing)


async def record_order(
    session: AsyncSession, *, case: VillageCase, order: Order, provider: str, actor: str
) -> PaymentOrder:
    """The order the provider opened, kept so its callback or a query can settle the fee."""
    charge = await charge_for(session, case, actor=actor, lock=True)
    if charge.status != DUE:  # settled at the window while the provider was asked
        raise not_due(charge, "pay online", "网上缴费")
    row = PaymentOrder(
        charge_id=charge.id,
        provider=provider,
        provider_order_id=order.provider_order_id,
        amount_fen=order.amount_fen,
        status="pending",
        pay_url=order.pay_url,
    )
    session.add(row)
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="fee.online_order",
        case_number=case.case_number,
        data={
            "provider": provider,
            "provider_order_id": order.provider_order_id,
            "amount_fen": order.amount_fen,
        },
    )
    return row


async def pending_orders(session: AsyncSession, *, case: VillageCase) -> list[str]:
    """Provider order ids still waiting for an outcome (to query when no callback came)."""
    return list(
        await session.scalars(
            select(PaymentOrder.provider_order_id)
            .join(FeeCharge, FeeCharge.id == PaymentOrder.charge_id)
            .where(FeeCharge.case_id == case.id, PaymentOrder.status == "pending")
        )
    )


async def apply_report(session: AsyncSession, *, report: Order, actor: str) -> str:
    """Apply a provider's report of an order once; a repeat changes nothing.

    Returns what happened: "paid", "declined", "pending", "repeat" or "overpaid" (the fee was
    settled another way meanwhile: the money is to be refunded, and the audit chain says so).
    """
    by_id = PaymentOrder.provider_order_id == report.provider_order_id
    if session.get_bind().dialect.name == "sqlite":  # write first, as FeeBook.find does
        await session.execute(update(PaymentOrder).where(by_id).values(status=PaymentOrder.status))
    order = await session.scalar(select(PaymentOrder).where(by_id).with_for_update())
    if order is None:
        raise NotFound(
            f"no payment order {report.provider_order_id}",
            message_zh="无此支付订单",
            field="order_id",
        )
    charge = await session.get(FeeCharge, order.charge_id, with_for_update=True)
    assert charge is not None
    case = await session.get(VillageCase, charge.case_id)
    assert case is not None
    if report.amount_fen != order.amount_fen or report.reference != case.case_number:
        raise Conflict(
            "the provider's report does not match the order (amount or reference)",
            message_zh="支付结果与订单不符（金额或编号）",
            field="amount_fen",
        )
    if order.status != "pending":
        return "repeat"
    if report.status == "pending":
        return "pending"
    order.status = report.status
    order.settled_at = utcnow()
    await session.flush()
    if report.status == "declined":
        await audit.append(
            session,
            actor=actor,
            action="fee.online_declined",
            case_number=case.case_number,
            data={"provider_order_id": order.provider_order_id, "amount_fen": order.amount_fen},
        )
        return "declined"
    if charge.status == DUE and charge.amount_fen == order.amount_fen:
        await BOOK.mark_paid(session, charge, fee_case(case), method=ONLINE, actor=actor)
        return "paid"
    await audit.append(
        session,
        actor=actor,
        action="fee.overpaid",
        case_number=case.case_number,
        data={
            "provider_order_id": order.provider_order_id,
            "amount_fen": order.amount_fen,
            "fee_status": charge.status,
            "refund_due": True,
        },
    )
    return "overpaid"


async def latest_order(session: AsyncSession, charge: FeeCharge) -> PaymentOrder | None:
    return await session.scalar(
        select(PaymentOrder)
        .where(PaymentOrder.charge_id == charge.id)
        .order_by(PaymentOrder.created_at.desc())
        .limit(1)
    )
