"""Civil mediation (民事调解): a dispute, its sessions, and how it ended."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

DISPUTE_TYPES_ZH = {
    "neighbour": "邻里纠纷",
    "family_support": "赡养抚养纠纷",
    "land_contract": "土地承包纠纷",
}


class Mediation(Base):
    __tablename__ = "mediation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    dispute_type: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text)
    # The parties by their records at the village (applicant ids), never by name here.
    party_applicant_ids: Mapped[list[str]] = mapped_column(JSON)
    # open | agreement | referral
    status: Mapped[str] = mapped_column(String(20), default="open")
    agreement: Mapped[str] = mapped_column(Text, default="")
    referred_to: Mapped[str] = mapped_column(String(200), default="")
    visit_id: Mapped[str | None] = mapped_column(String(36))
    staff_id: Mapped[str] = mapped_column(String(36))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class MediationSession(Base):
    __tablename__ = "mediation_session"
    __table_args__ = (UniqueConstraint("mediation_id", "number", name="uq_mediation_session_no"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    mediation_id: Mapped[str] = mapped_column(ForeignKey("mediation.id"), index=True)
    number: Mapped[int]
    held_on: Mapped[date]
    mediator_staff_id: Mapped[str] = mapped_column(String(36))
    notes: Mapped[str] = mapped_column(Text)
