"""Welfare (社会福利): benefits the room collects for villagers who cannot come themselves."""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

BENEFITS_ZH = {
    "elderly_allowance": "老年人待遇代领",
    "left_behind_children": "留守儿童补助代领",
    "poverty_relief": "扶贫救助",
}


class WelfareCollection(Base):
    """One benefit collected for one person for one period, with its receipt."""

    __tablename__ = "welfare_collection"
    __table_args__ = (
        UniqueConstraint("place_code", "receipt_number", name="uq_welfare_collection_receipt"),
        UniqueConstraint(
            "place_code",
            "beneficiary_applicant_id",
            "benefit",
            "period",
            name="uq_welfare_collection_period",
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    benefit: Mapped[str] = mapped_column(String(30))
    # For whom: the person's record at the village; their data stays there.
    beneficiary_applicant_id: Mapped[str] = mapped_column(String(36))
    # Who collected: the staff member.
    collected_by_staff_id: Mapped[str] = mapped_column(String(36))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    amount_fen: Mapped[int]
    receipt_number: Mapped[str] = mapped_column(String(60))
    collected_at: Mapped[datetime] = mapped_column(default=utcnow)
