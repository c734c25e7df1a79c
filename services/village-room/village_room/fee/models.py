"""A case's fee, its online payment orders and the receipt numbers (C6, "one window collects")."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

DUE, PAID, WAIVED, FREE = "due", "paid", "waived", "free"


class FeeCharge(Base):
    """One per case: the fee assessed from the case's catalog version, and how it was settled."""

    __tablename__ = "fee_charge"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("village_case.id"), unique=True)
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
    # Waived: only by staff, with the reason on record.
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    waived_by: Mapped[str | None] = mapped_column(String(80))
    waived_at: Mapped[datetime | None]


class PaymentOrder(Base):
    """An online payment the applicant started with the provider; settled once, by order id."""

    __tablename__ = "fee_payment_order"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    charge_id: Mapped[str] = mapped_column(ForeignKey("fee_charge.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    provider_order_id: Mapped[str] = mapped_column(String(100), unique=True)
    amount_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))  # pending, paid, declined
    pay_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]


class ReceiptSequence(Base):
    """Receipt numbers per place and year, issued in the payment's transaction: no gaps."""

    __tablename__ = "receipt_sequence"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
