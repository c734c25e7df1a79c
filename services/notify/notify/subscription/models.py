"""Event subscriptions of other government systems (A3): the log of thin status events, each
subscriber's filter and callback, and the delivery of every matching event to it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

# SQLite numbers rows only through INTEGER PRIMARY KEY.
_SEQ = BigInteger().with_variant(Integer(), "sqlite")


class StatusEvent(Base):
    """A consumed CaseStatusChanged, its thin facts only (no staff, window or trace ids), in the
    order notify recorded them: `seq` is the subscribers' cursor (`after=<event id>`)."""

    __tablename__ = "status_event"

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    case_number: Mapped[str] = mapped_column(String(64))
    item_code: Mapped[str] = mapped_column(String(50), default="")
    item_version: Mapped[int] = mapped_column(default=0)
    tier: Mapped[int]  # govnet.common.v1.Tier
    status: Mapped[int]  # govnet.common.v1.CaseStatus
    # Where the change happened, and where the case was accepted (what scopes match on).
    place_code: Mapped[str] = mapped_column(String(12))
    origin_place_code: Mapped[str] = mapped_column(String(12))
    department_code: Mapped[str] = mapped_column(String(50), default="")
    suspended: Mapped[bool] = mapped_column(default=False)
    reason_code: Mapped[str] = mapped_column(String(50), default="")
    result_document_number: Mapped[str] = mapped_column(String(100), default="")
    deadline: Mapped[datetime | None]
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """An integration client's filter and callback. Empty `items` or `statuses` mean all;
    `places` is never empty (a subscriber names the places of its scope it wants)."""

    __tablename__ = "subscription"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # The principal's subject, "client:<client id>".
    client: Mapped[str] = mapped_column(String(120), index=True)
    callback_url: Mapped[str] = mapped_column(String(500))
    # The HMAC key of its deliveries. Kept as is: signing needs it (docs/security.md).
    secret: Mapped[str] = mapped_column(String(100))
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    places: Mapped[list[str]] = mapped_column(JSON, default=list)
    statuses: Mapped[list[int]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class DeliveryState(StrEnum):
    PENDING = "pending"  # due, never tried
    SENDING = "sending"  # claimed by a worker (lease)
    RETRYING = "retrying"  # the endpoint failed; due again at next_attempt_at
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # given up after the attempts ran out: audit entry and ERROR log
    CANCELLED = "cancelled"  # the subscription was deleted first


class SubscriptionDelivery(Base):
    """One event owed to one subscription. Its id is the delivery id the subscriber sees on
    every attempt, so it can drop a duplicate. Same lease and fencing as a notification's:
    `next_attempt_at` is set exactly while a worker owes the row an action."""

    __tablename__ = "subscription_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_seq", name="uq_subscription_delivery_event"),
        Index("ix_subscription_delivery_due", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(String(36), ForeignKey("subscription.id"))
    event_seq: Mapped[int] = mapped_column(_SEQ, ForeignKey("status_event.seq"))
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
