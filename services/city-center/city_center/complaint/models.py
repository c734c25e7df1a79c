"""Complaints and reports (S3) and applicants' satisfaction ratings (S2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted

RECEIVED = "received"  # in the supervisors' queue
IN_PROGRESS = "in_progress"  # a supervisor took it
CONCLUDED = "concluded"  # an outcome is recorded
STATUSES = (RECEIVED, IN_PROGRESS, CONCLUDED)

OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "withdrawn")
UPHELD = ("upheld", "partly_upheld")


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # What the complainant quotes to follow it: CP-<yyyymmdd>-<6 hex>.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    # sha256 of the code handed to the complainant with the number.
    code_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # complaint | report
    # What it is about; routing fills the rest from the case's clock.
    case_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    tier: Mapped[str] = mapped_column(String(10), default="")
    place_code: Mapped[str] = mapped_column(String(12), default="", index=True)
    department_code: Mapped[str] = mapped_column(String(50), default="", index=True)
    window_id: Mapped[str] = mapped_column(String(64), default="")
    staff_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    person: Mapped[str] = mapped_column(String(100), default="")  # as the complainant names them
    content: Mapped[str] = mapped_column(Text)
    # The complainant's contact, for the reply: personal data, encrypted at rest, shown to
    # supervisors only and never written to the audit chain (docs/privacy.md).
    contact: Mapped[str] = mapped_column(Encrypted("complaint.contact"), default="")
    status: Mapped[str] = mapped_column(String(20), default=RECEIVED, index=True)
    handler_staff_id: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    concluded_at: Mapped[datetime | None]


class ComplaintStep(Base):
    """One step of the follow-up: taken, a note, the outcome."""

    __tablename__ = "complaint_step"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaint.id"), index=True)
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    action: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RatingInvitation(Base):
    """The rating code of a case, made when its reply is ready where it was accepted; only its
    hash is kept once the code has gone to the staff who hand the reply over."""

    __tablename__ = "rating_invitation"

    case_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rating(Base):
    """One satisfaction rating per case, 1 (very unsatisfied) to 5 (very satisfied)."""

    __tablename__ = "rating"

    case_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
