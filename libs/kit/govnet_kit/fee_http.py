"""The fee's HTTP shapes (C6), shared by every tier that collects: amounts in fen (integers)
with the yuan text beside them, the printable receipt, and how a refused fee operation is
recorded. The JSON API and the pages of a tier both use them (govnet_kit.fee_pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from govnet_kit import access_log
from govnet_kit.errors import DomainError, PermissionDenied, Unauthenticated
from govnet_kit.fee_records import METHODS, STATUS_TEXT, FeeChargeColumns, Receipt
from govnet_kit.fees import MAX_UNITS, yuan
from govnet_kit.worktime import SHANGHAI

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime


class AssessIn(BaseModel):
    units: int = Field(
        0, ge=0, le=MAX_UNITS, description="units counted, where the item charges per unit"
    )


class WindowPaymentIn(BaseModel):
    method: Literal["cash", "card"]


class WaiverIn(BaseModel):
    # Length is checked in the domain too, after trimming, with a bilingual message.
    reason: str = Field(max_length=2000)


class FeeLine(BaseModel):
    label_zh: str
    label_en: str
    amount_fen: int
    amount_yuan: str


class OnlineOrderOut(BaseModel):
    provider: str
    provider_order_id: str
    amount_fen: int
    status: Literal["pending", "paid", "declined"]
    pay_url: str
    created_at: datetime


class FeeOut(BaseModel):
    case_number: str
    item_code: str
    item_version: int
    status: Literal["due", "paid", "waived", "free"]
    status_zh: str
    status_en: str
    units: int
    lines: list[FeeLine]
    amount_fen: int
    amount_yuan: str
    fee_basis_zh: str
    fee_basis_en: str
    method: str | None = None
    receipt_number: str | None = None
    paid_at: datetime | None = None
    waiver_reason: str | None = None
    waived_at: datetime | None = None
    online_order: OnlineOrderOut | None = None


class ReceiptOut(BaseModel):
    """A printable receipt: the structured fields, and `text` ready for the window's printer."""

    title_zh: str = "缴费收据"
    title_en: str = "Fee receipt"
    receipt_number: str
    case_number: str
    place_code: str
    item_code: str
    item_version: int
    item_name_zh: str
    item_name_en: str
    lines: list[FeeLine]
    amount_fen: int
    amount_yuan: str
    method: str
    method_zh: str
    paid_at: datetime
    fee_basis_zh: str
    fee_basis_en: str
    # Who took the payment: "张三 (staff id)", or the id alone when the name is not known.
    collected_by: str = ""
    text: str


def collected_by(charge: FeeChargeColumns) -> str:
    """The collector as a receipt names them: display name and account id, else the id."""
    who = charge.recorded_by or ""
    return f"{charge.recorded_by_name} ({who})" if charge.recorded_by_name else who


@asynccontextmanager
async def refusals(
    runtime: Runtime, actor: str, case_number: str | None, attempt: str
) -> AsyncIterator[None]:
    """A refused fee operation is rolled back, then recorded in a transaction of its own.
    Access refusals are recorded by the error handler already."""
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


def lines_out(charge: FeeChargeColumns) -> list[FeeLine]:
    return [
        FeeLine(
            label_zh=str(line["label_zh"]),
            label_en=str(line["label_en"]),
            amount_fen=int(line["amount_fen"]),  # type: ignore[call-overload]
            amount_yuan=yuan(int(line["amount_fen"])),  # type: ignore[call-overload]
        )
        for line in charge.lines
    ]


def fee_out(
    case_number: str, charge: FeeChargeColumns, online_order: OnlineOrderOut | None = None
) -> FeeOut:
    zh, en = STATUS_TEXT[charge.status]
    return FeeOut(
        case_number=case_number,
        item_code=charge.item_code,
        item_version=charge.item_version,
        status=charge.status,  # type: ignore[arg-type]
        status_zh=zh,
        status_en=en,
        units=charge.units,
        lines=lines_out(charge),
        amount_fen=charge.amount_fen,
        amount_yuan=yuan(charge.amount_fen),
        fee_basis_zh=charge.fee_basis_zh,
        fee_basis_en=charge.fee_basis_en,
        method=charge.method,
        receipt_number=charge.receipt_number,
        paid_at=charge.paid_at,
        waiver_reason=charge.waiver_reason,
        waived_at=charge.waived_at,
        online_order=online_order,
    )


def receipt_out(receipt: Receipt) -> ReceiptOut:
    charge, item = receipt.charge, receipt.item
    assert charge.receipt_number and charge.method and charge.paid_at
    lines = lines_out(charge)
    method_zh = METHODS.get(charge.method, (charge.method, charge.method))[0]
    paid_local = charge.paid_at.astimezone(SHANGHAI)
    text = "\n".join(
        [
            "缴费收据 / Fee receipt",
            f"收据号 Receipt No.: {charge.receipt_number}",
            f"办件编号 Case No.: {receipt.case_number}",
            f"事项 Item: {item.name_zh} / {item.name_en} ({item.code} v{item.version})",
            *(f"  {ln.label_zh} / {ln.label_en}: {ln.amount_yuan} 元 yuan" for ln in lines),
            f"合计 Total: {yuan(charge.amount_fen)} 元 yuan",
            f"缴费方式 Paid by: {method_zh} / {charge.method}",
            f"缴费时间 Paid at: {paid_local:%Y-%m-%d %H:%M} (北京时间 Beijing time)",
            f"收费依据 Fee basis: {charge.fee_basis_zh} / {charge.fee_basis_en}",
            f"收款人 Collected by: {collected_by(charge)}",
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
        method_zh=method_zh,
        paid_at=charge.paid_at,
        fee_basis_zh=charge.fee_basis_zh,
        fee_basis_en=charge.fee_basis_en,
        collected_by=collected_by(charge),
        text=text,
    )
