"""The supervision projection (S1): one clock per (case number, tier), built only from the thin
status events (decision 2), and the durable messages it owes to window staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

# Where a tier's part of a case stands.
RUNNING = "running"  # held here, clock running
SUSPENDED = "suspended"  # waiting for the applicant's supplement: the clock stops
HANDED_ON = "handed_on"  # transmitted up: the upper tier holds it now
DECIDED = "decided"  # decided here, or the reply is back and waits to be handed over
FINISHED = "finished"  # replied, closed or withdrawn
STATES = (RUNNING, SUSPENDED, HANDED_ON, DECIDED, FINISHED)

# What the tier's part came to, once (appraisal counts these).
OUTCOMES = ("handed_on", "approved", "refused", "deemed_approved", "withdrawn")

# Flags supervisors look at.
FLAG_DEFAULT = "default"  # deemed approved by the timeout default (reason "timeout_default")
FLAG_REFUSED = "refused"

# Messages to window staff (once per case, tier and kind).
DUE_SOON = "due_soon"
OVERDUE = "overdue"
RATING_CODE = "rating_code"
WARNING_KINDS = (DUE_SOON, OVERDUE)

PENDING = "pending"
SENT = "sent"
NO_RECIPIENT = "no_recipient"  # nobody has acted at that tier yet: supervisors still see it


class CaseClock(Base):
    __tablename__ = "supervision_clock"
    __table_args__ = (
        UniqueConstraint("case_number", "tier", name="uq_supervision_clock_case_tier"),
        # The supervisor's overdue list and the 1M-case benchmark read these.
        Index("ix_supervision_clock_state_deadline", "state", "deadline"),
        Index("ix_supervision_clock_tier_place", "tier", "place_code"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(10))
    place_code: Mapped[str] = mapped_column(String(12))
    origin_place_code: Mapped[str] = mapped_column(String(12), index=True)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    item_code: Mapped[str] = mapped_column(String(50), index=True)
    item_version: Mapped[int] = mapped_column(default=0)
    window_id: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(12))
    suspended: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[datetime | None]
    # The staff who acted last at this tier: warnings go to them.
    responsible_staff_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    reason_code: Mapped[str] = mapped_column(String(50), default="")
    flag: Mapped[str] = mapped_column(String(20), default="", index=True)
    started_at: Mapped[datetime]
    # The first time this tier's part came to an outcome; on time if by the deadline then.
    outcome: Mapped[str] = mapped_column(String(20), default="")
    handled_at: Mapped[datetime | None] = mapped_column(index=True)
    on_time: Mapped[bool | None]
    handled_by_staff_id: Mapped[str] = mapped_column(String(64), default="")
    # When the next warning falls due (NULL: none owed); the sweep reads only due rows.
    next_warning_at: Mapped[datetime | None] = mapped_column(index=True)
    warned: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_event_id: Mapped[str] = mapped_column(String(64))
    last_event_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StaffMessage(Base):
    """An in-app message owed to one staff member through notify, kept until delivered."""

    __tablename__ = "supervision_message"
    __table_args__ = (
        UniqueConstraint("case_number", "tier", "kind", name="uq_supervision_message_case_kind"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    staff_id: Mapped[str] = mapped_column(String(64), index=True)
    place_code: Mapped[str] = mapped_column(String(12))
    department_code: Mapped[str] = mapped_column(String(50))
    deadline: Mapped[datetime | None]
    values: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    notification_id: Mapped[str] = mapped_column(String(64), default="")
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
