"""Who is told about a case, the thin facts of its status changes, what they were told, and
how its delivery went (N1)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted

ROLES = ("applicant", "agent")
# The role of a direct message's recipient (no case, so neither of the above).
DIRECT_ROLE = "direct"
CHANNELS = ("sms", "email", "in_app")
LANGUAGES = ("zh", "en")


class DeliveryStatus(StrEnum):
    """GOV.UK Notify's delivery statuses. Only DELIVERED and PERMANENT_FAILURE are final: the
    two other failures are retried with backoff, and become PERMANENT_FAILURE (with an alert)
    when the attempts run out."""

    CREATED = "created"
    SENDING = "sending"
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary-failure"
    PERMANENT_FAILURE = "permanent-failure"
    TECHNICAL_FAILURE = "technical-failure"


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
    # Phone, email address or in-app account id, by channel; encrypted at rest (govnet_kit.pii).
    address: Mapped[str] = mapped_column(Encrypted("recipient.address"))
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
    """One text per status change per recipient: the unique key is what makes it exactly one.

    A direct message (SendDirect: a sign-in code) has no event and no case: its `event_id` is
    NULL (never equal to another, so the (event_id, role) key still binds every case
    notification) and its `reference`, the caller's id of it, is what makes it exactly one.

    `next_attempt_at` is set exactly while the delivery worker owes the row an action: a first
    send (created), a retry (temporary- or technical-failure) or, for a row claimed by a worker
    (sending), the end of that worker's lease, after which another worker takes it over. It is
    NULL once the outcome is final, so the worker's whole query is `next_attempt_at <= now`.
    """

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event_id", "role", name="uq_notification_event_id_role"),
        Index("ix_notification_due", "channel", "next_attempt_at"),
        Index("ix_notification_inbox", "address_hash", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("case_event.event_id"))
    # "" for a direct message.
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    # "<caller>:<the caller's id>" of a direct message; NULL for a case notification.
    reference: Mapped[str | None] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(Encrypted("notification.address"))
    # HMAC of the stripped address (address_key in service.py): the in-app inbox's look-up.
    address_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The template (templates.py) and the version of it that rendered subject and text.
    template: Mapped[str] = mapped_column(String(50))
    template_version: Mapped[int]
    subject: Mapped[str | None] = mapped_column(String(200))  # email only
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.CREATED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    # The provider's id of the message (SMS id, email Message-ID), for receipts and support.
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryAlert(Base):
    """A notification given up on: never a silent drop. An operator resolves it by hand."""

    __tablename__ = "delivery_alert"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notification_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("notification.id"), unique=True
    )
    case_number: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    # "permanent-failure" (the provider refused it) or "retries-exhausted".
    reason: Mapped[str] = mapped_column(String(30))
    # The status of the last attempt and what the channel said about it.
    last_status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
