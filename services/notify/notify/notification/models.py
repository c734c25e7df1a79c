"""Who is told about a case, the thin facts of its status changes, and what they were told (N1)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

ROLES = ("applicant", "agent")
CHANNELS = ("sms", "email", "in_app")
LANGUAGES = ("zh", "en")


class Recipient(Base):
    """The only copy of a contact in govnet (decision 2); one row per case and role."""

    __tablename__ = "recipient"
    # The unique index leads with case_number, so it is also the index for lookups by case.
    __table_args__ = (
        UniqueConstraint("case_number", "role", name="uq_recipient_case_number_role"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))  # ROLES
    channel: Mapped[str] = mapped_column(String(20))  # CHANNELS
    language: Mapped[str] = mapped_column(String(8))  # LANGUAGES
    # Phone, email address or in-app account id, by channel.
    address: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseEvent(Base):
    """A consumed status change, kept so recipients registered later still hear of it."""

    __tablename__ = "case_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[int]  # govnet.common.v1.CaseStatus
    tier: Mapped[int]  # govnet.common.v1.Tier
    place_code: Mapped[str] = mapped_column(String(12))
    result_document_number: Mapped[str] = mapped_column(String(100), default="")
    deadline: Mapped[datetime | None]
    occurred_at: Mapped[datetime]


class Notification(Base):
    """One text per status change per recipient: the unique key is what makes it exactly one."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("event_id", "role", name="uq_notification_event_id_role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(String(64), ForeignKey("case_event.event_id"))
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(254))
    text: Mapped[str] = mapped_column(Text)
    # "stored" until delivery exists (a later issue adds "sent" / "failed").
    status: Mapped[str] = mapped_column(String(20), default="stored")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
