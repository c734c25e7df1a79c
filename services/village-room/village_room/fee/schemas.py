"""The fee's HTTP shapes: amounts in fen (integers) with the yuan text beside them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from govnet_kit.fees import MAX_UNITS


class AssessIn(BaseModel):
    units: int = Field(
        0, ge=0, le=MAX_UNITS, description="units counted, where the item charges per unit"
    )


class WindowPaymentIn(BaseModel):
    method: Literal["cash", "card"]


class WaiverIn(BaseModel):
    # Length is checked in the service too, after trimming, with a bilingual message.
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
    text: str


class CallbackOut(BaseModel):
    result: Literal["paid", "declined", "pending", "repeat", "overpaid"]
