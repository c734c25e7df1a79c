"""Delivering an owed event to its subscriber: claim, sign, record, give up loudly.

As for notifications (notification/delivery.py): a claim is a short transaction that makes the
row `sending` with a lease and one more attempt; the POST happens outside any transaction; its
outcome is recorded fenced by that attempt number. A worker that dies mid-POST leaves the row to
the next one when the lease ends, and the subscriber sees the same delivery id again.

The signature (documented for subscribers in services/notify/README.md):
    Govnet-Signature: v1=<hex HMAC-SHA256(secret, "<Govnet-Timestamp>." + body)>
The body names the delivery id, so the signature covers it too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import skip_locked
from notify.notification.delivery import RetryPolicy
from notify.subscription.models import (
    DeliveryState,
    StatusEvent,
    Subscription,
    SubscriptionDelivery,
)
from notify.subscription.schemas import EventOut, status_name, tier_name

log = logging.getLogger(__name__)

SIGNATURE_VERSION = "v1"


def event_out(event: StatusEvent) -> EventOut:
    return EventOut(
        event_id=event.event_id,
        sequence=event.seq,
        case_number=event.case_number,
        item_code=event.item_code,
        item_version=event.item_version,
        tier=tier_name(event.tier),
        status=status_name(event.status),
        place_code=event.place_code,
        origin_place_code=event.origin_place_code,
        department_code=event.department_code,
        suspended=event.suspended,
        reason_code=event.reason_code,
        result_document_number=event.result_document_number,
        deadline=event.deadline,
        occurred_at=event.occurred_at,
    )


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={digest.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a subscriber does (README); here for the tests and as the reference."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


@dataclass(frozen=True)
class Claimed:
    delivery_id: str
    subscription_id: str
    client: str
    case_number: str
    event_id: str
    attempt: int
    url: str
    secret: str
    body: bytes

    def headers(self, timestamp: int) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "User-Agent": "govnet-notify",
            "Govnet-Delivery": self.delivery_id,
            "Govnet-Subscription": self.subscription_id,
            "Govnet-Event": self.event_id,
            "Govnet-Attempt": str(self.attempt),
            "Govnet-Timestamp": str(timestamp),
            "Govnet-Signature": sign(self.secret, timestamp, self.body),
        }


def body(delivery_id: str, subscription_id: str, event: StatusEvent) -> bytes:
    return json.dumps(
        {
            "delivery_id": delivery_id,
            "subscription_id": subscription_id,
            "event": event_out(event).model_dump(mode="json"),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


async def claim_next(session: AsyncSession, *, now: datetime, lease: timedelta) -> Claimed | None:
    """Take the most overdue delivery, if any; other workers skip it."""
    for _ in range(5):  # a lost race on SQLite: look again
        row = await session.scalar(
            select(SubscriptionDelivery)
            .where(SubscriptionDelivery.next_attempt_at <= now)
            .order_by(SubscriptionDelivery.next_attempt_at, SubscriptionDelivery.event_seq)
            .limit(1)
            .with_for_update(**skip_locked(session))
        )
        if row is None:
            return None
        attempt = row.attempts + 1
        claimed = await session.execute(
            update(SubscriptionDelivery)
            .where(
                SubscriptionDelivery.id == row.id,
                SubscriptionDelivery.attempts == row.attempts,
                SubscriptionDelivery.next_attempt_at <= now,
            )
            .values(
                state=DeliveryState.SENDING,
                attempts=attempt,
                last_attempt_at=now,
                next_attempt_at=now + lease,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            subscription = await session.get_one(Subscription, row.subscription_id)
            event = await session.get_one(StatusEvent, row.event_seq)
            return Claimed(
                delivery_id=row.id,
                subscription_id=subscription.id,
                client=subscription.client,
                case_number=event.case_number,
                event_id=event.event_id,
                attempt=attempt,
                url=subscription.callback_url,
                secret=subscription.secret,
                body=body(row.id, subscription.id, event),
            )
        session.expire(row)
    return None


async def record_outcome(
    session: AsyncSession,
    *,
    claimed: Claimed,
    error: str | None,
    now: datetime,
    policy: RetryPolicy,
) -> DeliveryState | None:
    """`error` None: delivered. None back if the claim was lost meanwhile (nothing written)."""
    if error is None:
        values: dict[str, object] = {
            "state": DeliveryState.DELIVERED,
            "delivered_at": now,
            "next_attempt_at": None,
            "last_error": None,
        }
    elif claimed.attempt < policy.max_attempts:
        values = {
            "state": DeliveryState.RETRYING,
            "next_attempt_at": now + policy.delay(claimed.attempt),
            "last_error": error[:2000],
        }
    else:
        values = {
            "state": DeliveryState.FAILED,
            "next_attempt_at": None,
            "last_error": error[:2000],
        }
    fenced = await session.execute(
        update(SubscriptionDelivery)
        .where(
            SubscriptionDelivery.id == claimed.delivery_id,
            SubscriptionDelivery.state == DeliveryState.SENDING,
            SubscriptionDelivery.attempts == claimed.attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if fenced.rowcount != 1:  # type: ignore[attr-defined]
        log.warning(
            "subscription delivery %s: attempt %d finished after its lease was taken over or "
            "the subscription was deleted; outcome not recorded",
            claimed.delivery_id,
            claimed.attempt,
        )
        return None
    state = DeliveryState(values["state"])
    if state == DeliveryState.FAILED:
        await _give_up(session, claimed=claimed, error=error or "")
    elif state == DeliveryState.RETRYING:
        log.warning(
            "subscription delivery %s to %s: attempt %d of %d failed, retried at %s: %s",
            claimed.delivery_id,
            claimed.subscription_id,
            claimed.attempt,
            policy.max_attempts,
            values["next_attempt_at"],
            error,
        )
    return state


async def _give_up(session: AsyncSession, *, claimed: Claimed, error: str) -> None:
    """Never a silent drop: an audit entry and an ERROR line. The event stays in the log, so
    the subscriber still gets it from /events."""
    await audit.append(
        session,
        actor="service:notify",
        action="subscription.delivery_given_up",
        case_number=claimed.case_number,
        subject_ref=f"subscription:{claimed.subscription_id}",
        data={
            "client": claimed.client,
            "delivery_id": claimed.delivery_id,
            "event_id": claimed.event_id,
            "attempts": claimed.attempt,
            "error": error[:500],
        },
    )
    log.error(
        "subscription delivery %s (event %s, case %s) to %s of %s given up after %d attempt(s): %s",
        claimed.delivery_id,
        claimed.event_id,
        claimed.case_number,
        claimed.subscription_id,
        claimed.client,
        claimed.attempt,
        error,
    )


async def failed_deliveries(*, session: AsyncSession) -> list[SubscriptionDelivery]:
    """For the operator: every delivery given up on, oldest first."""
    return list(
        (
            await session.scalars(
                select(SubscriptionDelivery)
                .where(SubscriptionDelivery.state == DeliveryState.FAILED)
                .order_by(SubscriptionDelivery.last_attempt_at)
            )
        ).all()
    )
