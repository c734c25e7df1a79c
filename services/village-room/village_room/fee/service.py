"""Fees at the village service room (C6): assessed from the case's catalog version, paid at the
window or online, waived only with a reason, receipted with numbers per place and year.

Every change and every refusal is in the audit chain. Services flush, never commit (rule 5);
refusals are recorded by the edge in a transaction of their own (govnet_kit.access_log).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit, catalog_replica, fees
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound
from govnet_kit.payments import Order
from govnet_kit.worktime import SHANGHAI
from village_room.case.models import VillageCase
from village_room.fee.models import (
    DUE,
    FREE,
    PAID,
    WAIVED,
    FeeCharge,
    PaymentOrder,
    ReceiptSequence,
)

WINDOW_METHODS = ("cash", "card")
ONLINE = "online"
REASON_MIN, REASON_MAX = 5, 500
STATUS_TEXT = {
    DUE: ("待缴费", "due"),
    PAID: ("已缴费", "paid"),
    WAIVED: ("已减免", "waived"),
    FREE: ("不收费", "free of charge"),
}


async def _item(session: AsyncSession, case: VillageCase) -> catalog_pb2.CatalogItem:
    item = await catalog_replica.version(session, case.item_code, case.item_version)
    if item is None:  # the case was accepted from this copy; it is missing only if wiped
        raise NotFound(
            f"catalog version {case.item_code} v{case.item_version} is not in this room's copy",
            message_zh=f"本服务室目录副本中无此事项版本：{case.item_code} 第{case.item_version}版",
            field="item_version",
        )
    return item


def _apply_assessment(charge: FeeCharge, assessment: catalog_pb2.FeeAssessment) -> None:
    charge.units = assessment.units
    charge.amount_fen = assessment.amount_fen
    charge.lines = [
        {"label_zh": line.label_zh, "label_en": line.label_en, "amount_fen": line.amount_fen}
        for line in assessment.lines
    ]
    charge.fee_basis_zh = assessment.fee_basis_zh
    charge.fee_basis_en = assessment.fee_basis_en
    charge.status = DUE if assessment.amount_fen else FREE
    charge.assessed_at = utcnow()


async def _find(
    session: AsyncSession, case: VillageCase, *, lock: bool = False
) -> FeeCharge | None:
    if lock and session.get_bind().dialect.name == "sqlite":
        # pysqlite defers the transaction to the first write: write first, so this
        # transaction holds SQLite's one write lock before it reads the status it acts on.
        await session.execute(
            update(FeeCharge).where(FeeCharge.case_id == case.id).values(status=FeeCharge.status)
        )
    query = select(FeeCharge).where(FeeCharge.case_id == case.id)
    return await session.scalar(query.with_for_update() if lock else query)


async def charge_for(
    session: AsyncSession, case: VillageCase, *, actor: str, lock: bool = False
) -> FeeCharge:
    """The case's fee, assessed on first access from the version the case was accepted under."""
    charge = await _find(session, case, lock=lock)
    if charge is not None:
        return charge
    assessment = fees.assess(await _item(session, case))
    charge = FeeCharge(
        case_id=case.id,
        place_code=case.place_code,
        item_code=case.item_code,
        item_version=case.item_version,
    )
    _apply_assessment(charge, assessment)
    try:
        async with session.begin_nested():  # a concurrent first access may have won
            session.add(charge)
            await session.flush()
    except IntegrityError:
        found = await _find(session, case, lock=lock)
        assert found is not None
        return found
    await _audit_assessed(session, charge, case, actor)
    return charge


async def _audit_assessed(
    session: AsyncSession, charge: FeeCharge, case: VillageCase, actor: str
) -> None:
    await audit.append(
        session,
        actor=actor,
        action="fee.assessed",
        case_number=case.case_number,
        data={
            "item_code": charge.item_code,
            "item_version": charge.item_version,
            "units": charge.units,
            "amount_fen": charge.amount_fen,
            "status": charge.status,
        },
    )


async def _pending_order(session: AsyncSession, charge: FeeCharge) -> PaymentOrder | None:
    return await session.scalar(
        select(PaymentOrder)
        .where(PaymentOrder.charge_id == charge.id, PaymentOrder.status == "pending")
        .order_by(PaymentOrder.created_at.desc())
        .limit(1)
    )


def _not_due(charge: FeeCharge, doing_en: str, doing_zh: str) -> Conflict:
    zh, en = STATUS_TEXT[charge.status]
    return Conflict(
        f"cannot {doing_en}: the fee is already {en}"
        + (f" (receipt {charge.receipt_number})" if charge.receipt_number else ""),
        message_zh=f"无法{doing_zh}：该费用{zh}"
        + (f"（收据号 {charge.receipt_number}）" if charge.receipt_number else ""),
        field="status",
    )


async def assess(session: AsyncSession, *, case: VillageCase, units: int, actor: str) -> FeeCharge:
    """Assess (again) with the units the staff counted, while nothing has been paid."""
    charge = await charge_for(session, case, actor=actor, lock=True)
    if charge.status not in (DUE, FREE):
        raise _not_due(charge, "re-assess", "重新核定")
    if await _pending_order(session, charge):
        raise Conflict(
            "an online payment is under way; wait for its outcome",
            message_zh="网上缴费正在处理中，请待结果后再核定",
            field="status",
        )
    if charge.units == units:
        return charge
    _apply_assessment(charge, fees.assess(await _item(session, case), units=units))
    await session.flush()
    await _audit_assessed(session, charge, case, actor)
    return charge


async def _next_receipt_number(session: AsyncSession, place_code: str, now: datetime) -> str:
    year = now.astimezone(SHANGHAI).year
    key = (ReceiptSequence.place_code == place_code, ReceiptSequence.year == year)
    seq = await session.scalar(select(ReceiptSequence).where(*key).with_for_update())
    if seq is None:
        try:
            async with session.begin_nested():
                session.add(ReceiptSequence(place_code=place_code, year=year, last=0))
                await session.flush()
        except IntegrityError:
            pass  # a concurrent first receipt of the year made it
        seq = await session.scalar(select(ReceiptSequence).where(*key).with_for_update())
        assert seq is not None
    seq.last += 1
    await session.flush()
    return f"{place_code}-R{year}-{seq.last:06d}"


async def _mark_paid(
    session: AsyncSession, charge: FeeCharge, case: VillageCase, *, method: str, actor: str
) -> None:
    now = utcnow()
    charge.status = PAID
    charge.method = method
    charge.paid_at = now
    charge.recorded_by = actor
    charge.receipt_number = await _next_receipt_number(session, charge.place_code, now)
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="fee.paid",
        case_number=case.case_number,
        data={
            "amount_fen": charge.amount_fen,
            "method": method,
            "receipt_number": charge.receipt_number,
        },
    )


async def pay_at_window(
    session: AsyncSession, *, case: VillageCase, method: str, staff_id: str
) -> FeeCharge:
    """Cash or card taken at the window by the duty staff; the receipt number is issued now."""
    if method not in WINDOW_METHODS:
        raise InvalidArgument(
            f"method must be one of {', '.join(WINDOW_METHODS)}",
            message_zh="缴费方式须为现金（cash）或刷卡（card）",
            field="method",
        )
    charge = await charge_for(session, case, actor=staff_id, lock=True)
    if charge.status != DUE:
        raise _not_due(charge, "take a payment", "收费")
    await _mark_paid(session, charge, case, method=method, actor=staff_id)
    return charge


async def waive(
    session: AsyncSession, *, case: VillageCase, reason: str, staff_id: str
) -> FeeCharge:
    """Only staff, only a fee still due, and only with the reason on record."""
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidArgument(
            f"a waiver needs a reason of {REASON_MIN} to {REASON_MAX} characters",
            message_zh=f"减免须写明理由（{REASON_MIN}至{REASON_MAX}个字）",
            field="reason",
        )
    charge = await charge_for(session, case, actor=staff_id, lock=True)
    if charge.status != DUE:
        raise _not_due(charge, "waive", "减免")
    charge.status = WAIVED
    charge.waiver_reason = reason
    charge.waived_by = staff_id
    charge.waived_at = utcnow()
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="fee.waived",
        case_number=case.case_number,
        data={"amount_fen": charge.amount_fen, "reason": reason},
    )
    return charge


@dataclass(frozen=True)
class OnlineStart:
    """What to ask the provider for; `existing` when an order is already under way."""

    charge: FeeCharge
    reference: str
    existing: PaymentOrder | None


async def prepare_online(session: AsyncSession, *, case: VillageCase, actor: str) -> OnlineStart:
    charge = await charge_for(session, case, actor=actor)
    if charge.status != DUE:
        raise _not_due(charge, "pay online", "网上缴费")
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
        raise _not_due(charge, "pay online", "网上缴费")
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
    if session.get_bind().dialect.name == "sqlite":  # write first, as in _find
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
        await _mark_paid(session, charge, case, method=ONLINE, actor=actor)
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


@dataclass(frozen=True)
class Receipt:
    charge: FeeCharge
    case_number: str
    item: catalog_pb2.CatalogItem


async def receipt(session: AsyncSession, *, case: VillageCase, actor: str) -> Receipt:
    charge = await charge_for(session, case, actor=actor)
    if charge.status != PAID:
        zh, en = STATUS_TEXT[charge.status]
        raise Conflict(
            f"no receipt: the fee is {en}", message_zh=f"暂无收据：该费用{zh}", field="status"
        )
    return Receipt(charge=charge, case_number=case.case_number, item=await _item(session, case))


async def settled(session: AsyncSession, case: VillageCase) -> bool:
    """True when nothing is owed: free, paid or waived (gates the hand-over of the reply)."""
    charge = await charge_for(session, case, actor="system:village-room")
    return charge.status in (FREE, PAID, WAIVED)
