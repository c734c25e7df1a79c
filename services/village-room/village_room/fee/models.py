"""A case's fee and its online payment orders (C6, "one window collects"). The fee record's
columns and the receipt numbers are the kit's (govnet_kit.fee_records, govnet_kit.receipts),
the same at the township hall; online payment is the village's own."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.fee_records import FeeChargeColumns


class FeeCharge(FeeChargeColumns, Base):
    """One per case: the fee assessed from the case's catalog version, and how it was settled."""

    __tablename__ = "fee_charge"

    case_id: Mapped[str] = mapped_column(ForeignKey("village_case.id"), unique=True)


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
