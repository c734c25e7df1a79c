"""A case's fee record (C6, "one window collects"), the same at every tier that collects: assessed
from the case's catalog version in the local copy, paid at the window (cash or card) with a
receipt number, waived only by staff with the reason on record.

Each service keeps its own table (its columns from `FeeChargeColumns`, its own case table for
the foreign key) and one `FeeBook` over it; the village adds online payment on top
(village_room/fee). Every change is in the audit chain. Functions flush, never commit (rule 5).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit, catalog_replica, fees, receipts
from govnet_kit.db import new_id, utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound

DUE, PAID, WAIVED, FREE = "due", "paid", "waived", "free"
STATUS_TEXT = {
    DUE: ("待缴费", "due"),
    PAID: ("已缴费", "paid"),
    WAIVED: ("已减免", "waived"),
    FREE: ("不收费", "free of charge"),
}
WINDOW_METHODS = ("cash", "card")
ONLINE = "online"
METHODS = {"cash": ("现金", "cash"), "card": ("刷卡", "card"), ONLINE: ("网上支付", "online")}
REASON_MIN, REASON_MAX = 5, 500


class FeeChargeColumns:
    """One per case: the fee assessed from the case's catalog version, and how it was settled.
    A service's table adds `case_id`, a unique foreign key to its own cases."""

    if TYPE_CHECKING:
        case_id: Mapped[str]

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    item_code: Mapped[str] = mapped_column(String(50))
    item_version: Mapped[int]
    units: Mapped[int] = mapped_column(default=0)
    amount_fen: Mapped[int]
    # The assessment's lines as printed: [{"label_zh", "label_en", "amount_fen"}].
    lines: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    fee_basis_zh: Mapped[str] = mapped_column(Text, default="")
    fee_basis_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Paid: how (cash, card at the window; online through the provider), who recorded it.
    method: Mapped[str | None] = mapped_column(String(10))
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    paid_at: Mapped[datetime | None]
    recorded_by: Mapped[str | None] = mapped_column(String(80))
    # The collector's display name as their session carried it, so the receipt names them
    # whoever prints it later; None when paid online or with a token without the name.
    recorded_by_name: Mapped[str | None] = mapped_column(String(100))
    # Waived: only by staff, with the reason on record.
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    waived_by: Mapped[str | None] = mapped_column(String(80))
    waived_at: Mapped[datetime | None]


@dataclass(frozen=True)
class FeeCase:
    """What the fee needs of a case, whichever tier's table it lives in."""

    id: str
    case_number: str
    place_code: str
    item_code: str
    item_version: int


@dataclass(frozen=True)
class Receipt:
    charge: FeeChargeColumns
    case_number: str
    item: catalog_pb2.CatalogItem


def not_due(charge: FeeChargeColumns, doing_en: str, doing_zh: str) -> Conflict:
    """The refusal of an operation on a fee no longer due, naming its receipt if paid."""
    zh, en = STATUS_TEXT[charge.status]
    return Conflict(
        f"cannot {doing_en}: the fee is already {en}"
        + (f" (receipt {charge.receipt_number})" if charge.receipt_number else ""),
        message_zh=f"无法{doing_zh}：该费用{zh}"
        + (f"（收据号 {charge.receipt_number}）" if charge.receipt_number else ""),
        field="status",
    )


def _apply_assessment(charge: FeeChargeColumns, assessment: catalog_pb2.FeeAssessment) -> None:
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


async def item_of(session: AsyncSession, case: FeeCase) -> catalog_pb2.CatalogItem:
    item = await catalog_replica.version(session, case.item_code, case.item_version)
    if item is None:  # the case was accepted from this copy; it is missing only if wiped
        raise NotFound(
            f"catalog version {case.item_code} v{case.item_version} is not in the local copy",
            message_zh=f"本地目录副本中无此事项版本：{case.item_code} 第{case.item_version}版",
            field="item_version",
        )
    return item


class FeeBook:
    """The fee records of one service's table."""

    def __init__(self, model: type[FeeChargeColumns]) -> None:
        self.model = model

    async def find(
        self, session: AsyncSession, case: FeeCase, *, lock: bool = False
    ) -> FeeChargeColumns | None:
        model = self.model
        if lock and session.get_bind().dialect.name == "sqlite":
            # pysqlite defers the transaction to the first write: write first, so this
            # transaction holds SQLite's one write lock before it reads the status it acts on.
            await session.execute(
                update(model).where(model.case_id == case.id).values(status=model.status)
            )
        query = select(model).where(model.case_id == case.id)
        return await session.scalar(query.with_for_update() if lock else query)

    async def charge_for(
        self, session: AsyncSession, case: FeeCase, *, actor: str, lock: bool = False
    ) -> FeeChargeColumns:
        """The case's fee, assessed on first access from the version it was accepted under."""
        charge = await self.find(session, case, lock=lock)
        if charge is not None:
            return charge
        assessment = fees.assess(await item_of(session, case))
        charge = self.model()
        charge.case_id = case.id
        charge.place_code = case.place_code
        charge.item_code = case.item_code
        charge.item_version = case.item_version
        _apply_assessment(charge, assessment)
        try:
            async with session.begin_nested():  # a concurrent first access may have won
                session.add(charge)
                await session.flush()
        except IntegrityError:
            found = await self.find(session, case, lock=lock)
            assert found is not None
            return found
        await _audit_assessed(session, charge, case, actor)
        return charge

    async def assess(
        self,
        session: AsyncSession,
        *,
        case: FeeCase,
        units: int,
        actor: str,
        check: Callable[[FeeChargeColumns], Awaitable[None]] | None = None,
    ) -> FeeChargeColumns:
        """Assess again with the units the staff counted, while nothing has been paid.
        `check` may refuse first (the village: an online payment under way)."""
        charge = await self.charge_for(session, case, actor=actor, lock=True)
        if charge.status not in (DUE, FREE):
            raise not_due(charge, "re-assess", "重新核定")
        if check is not None:
            await check(charge)
        if charge.units == units:
            return charge
        _apply_assessment(charge, fees.assess(await item_of(session, case), units=units))
        await session.flush()
        await _audit_assessed(session, charge, case, actor)
        return charge

    async def mark_paid(
        self,
        session: AsyncSession,
        charge: FeeChargeColumns,
        case: FeeCase,
        *,
        method: str,
        actor: str,
        actor_name: str = "",
    ) -> None:
        now = utcnow()
        charge.status = PAID
        charge.method = method
        charge.paid_at = now
        charge.recorded_by = actor
        charge.recorded_by_name = actor_name[:100] or None
        charge.receipt_number = await receipts.next_number(session, charge.place_code, now)
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
        self,
        session: AsyncSession,
        *,
        case: FeeCase,
        method: str,
        staff_id: str,
        staff_name: str = "",
    ) -> FeeChargeColumns:
        """Cash or card taken at the window; the receipt number is issued now, once."""
        if method not in WINDOW_METHODS:
            raise InvalidArgument(
                f"method must be one of {', '.join(WINDOW_METHODS)}",
                message_zh="缴费方式须为现金（cash）或刷卡（card）",
                field="method",
            )
        charge = await self.charge_for(session, case, actor=staff_id, lock=True)
        if charge.status != DUE:
            raise not_due(charge, "take a payment", "收费")
        await self.mark_paid(
            session, charge, case, method=method, actor=staff_id, actor_name=staff_name
        )
        return charge

    async def waive(
        self, session: AsyncSession, *, case: FeeCase, reason: str, staff_id: str
    ) -> FeeChargeColumns:
        """Only staff, only a fee still due, and only with the reason on record."""
        reason = (reason or "").strip()
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            raise InvalidArgument(
                f"a waiver needs a reason of {REASON_MIN} to {REASON_MAX} characters",
                message_zh=f"减免须写明理由（{REASON_MIN}至{REASON_MAX}个字）",
                field="reason",
            )
        charge = await self.charge_for(session, case, actor=staff_id, lock=True)
        if charge.status != DUE:
            raise not_due(charge, "waive", "减免")
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

    async def receipt(self, session: AsyncSession, *, case: FeeCase, actor: str) -> Receipt:
        charge = await self.charge_for(session, case, actor=actor)
        if charge.status != PAID:
            zh, en = STATUS_TEXT[charge.status]
            raise Conflict(
                f"no receipt: the fee is {en}", message_zh=f"暂无收据：该费用{zh}", field="status"
            )
        return Receipt(
            charge=charge, case_number=case.case_number, item=await item_of(session, case)
        )

    async def settled(self, session: AsyncSession, case: FeeCase, *, actor: str) -> bool:
        """True when nothing is owed: free, paid or waived."""
        charge = await self.charge_for(session, case, actor=actor)
        return charge.status in (FREE, PAID, WAIVED)


async def _audit_assessed(
    session: AsyncSession, charge: FeeChargeColumns, case: FeeCase, actor: str
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
