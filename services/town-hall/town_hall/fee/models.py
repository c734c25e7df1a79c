"""A case's fee at the township hall (C6, "one window collects"): the kit's fee record
(govnet_kit.fee_records) over the hall's cases; receipt numbers per township and year in the
kit's `receipt_sequence` (govnet_kit.receipts)."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base
from govnet_kit.fee_records import FeeChargeColumns


class TownFeeCharge(FeeChargeColumns, Base):
    """One per walk-in case: the fee assessed from its catalog version, and how it was settled."""

    __tablename__ = "town_fee_charge"

    case_id: Mapped[str] = mapped_column(ForeignKey("town_case.id"), unique=True)
