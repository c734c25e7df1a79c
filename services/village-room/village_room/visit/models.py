"""The register of every visit to the village service room (T3)."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

# What came of a visit. `incomplete` and `applied_as_agent` are set by the application itself
# (village_room.case); the others by the staff member or by the record that settles the visit.
OUTCOMES_ZH = {
    "open": "办理中",
    "consulted": "咨询",
    "redirected": "告知到他处办理",
    "incomplete": "一次性告知补齐材料",
    "accepted": "受理",
    "applied_as_agent": "代办",
    "mediated": "调解",
}
SET_BY_APPLICATION = frozenset({"incomplete", "applied_as_agent"})


class Visit(Base):
    __tablename__ = "visit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    staff_id: Mapped[str] = mapped_column(String(36))
    topic: Mapped[str] = mapped_column(String(200))
    # one of OUTCOMES_ZH
    outcome: Mapped[str] = mapped_column(String(30), default="open")
    case_number: Mapped[str | None] = mapped_column(String(40))
    visited_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Who came, by reference to the village's applicant record; personal data stays there.
    applicant_id: Mapped[str | None] = mapped_column(String(36))
    outcome_at: Mapped[datetime | None]
