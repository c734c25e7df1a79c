"""Delivery bookkeeping: claim a due notification, record what its channel said, give up loudly.

A claim is its own short transaction: the row becomes `sending` with a lease
(`next_attempt_at` = now + lease) and one more attempt. The send happens outside any
transaction, and the outcome is recorded in another, fenced by that attempt number, so a worker
that lost its lease (it stalled, another replica took over) cannot overwrite a newer outcome.
A worker that dies mid-send leaves the row to be taken over when the lease ends; the channel
gets the notification id as its idempotency reference for that rare second send.

A lane may claim several due notifications at once (`claim_due`: one select and one update)
and record their outcomes in one transaction: fewer transactions per notification, the same
leases and fences per row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.db import skip_locked
from notify.notification.channels.base import Message, Result
from notify.notification.models import DeliveryAlert, DeliveryStatus, Notification

log = logging.getLogger(__name__)

RETRIED = (DeliveryStatus.TEMPORARY_FAILURE, DeliveryStatus.TECHNICAL_FAILURE)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempts: int) -> timedelta:
        """Wait after the n-th failed attempt: base, 2 base, 4 base, ... at most cap."""
        return min(self.base * 2 ** max(attempts - 1, 0), self.cap)


@dataclass(frozen=True)
class Claimed:
    """What a worker holds while it sends: enough to send, record and alert."""

    id: str
    case_number: str
    channel: str
    attempt: int
    message: Message


async def claim_next(
    session: AsyncSession, *, channel: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Take the most overdue notification of the channel, if any; others skip it."""
    for _ in range(5):  # a lost race on SQLite: look again
        row = await session.scalar(
            select(Notification)
            .where(Notification.channel == channel, Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.created_at)
            .limit(1)
            .with_for_update(**skip_locked(session))
        )
        if row is None:
            return None
        attempt = row.attempts + 1
        # Conditional, so that on SQLite (no row locks) a second claimant of the row matches
        # nothing; on PostgreSQL the row lock already ensures it.
        claimed = await session.execute(
            update(Notification)
            .where(Notification.id == row.id, Notification.attempts == row.attempts)
            .where(Notification.next_attempt_at <= now)
            .values(
                status=DeliveryStatus.SENDING,
                attempts=attempt,
                last_attempt_at=now,
                next_attempt_at=now + lease,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return _claimed(row, attempt)
        session.expire(row)
    return None


async def claim_due(
    session: AsyncSession, *, channel: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Take up to `limit` of the channel's most overdue notifications; others skip them."""
    for _ in range(5):  # a lost race on SQLite: look again
        rows = (
            await session.scalars(
                select(Notification)
                .where(Notification.channel == channel, Notification.next_attempt_at <= now)
                .order_by(Notification.next_attempt_at, Notification.created_at)
                .limit(limit)
                .with_for_update(**skip_locked(session))
            )
        ).all()
        if not rows:
            return []
        # Conditional, so that on SQLite (no row locks) a row another claimant took meanwhile
        # (its lease ends after now) is not claimed twice; on PostgreSQL row locks ensure it.
        claimed = await session.execute(
            update(Notification)
            .where(Notification.id.in_([r.id for r in rows]))
            .where(Notification.next_attempt_at <= now)
            .values(
                status=DeliveryStatus.SENDING,
                attempts=Notification.attempts + 1,
                last_attempt_at=now,
                next_attempt_at=now + lease,
            )
            .returning(Notification.id, Notification.attempts)
            .execution_options(synchronize_session=False)
        )
        attempts = {notification_id: attempt for notification_id, attempt in claimed}
        if attempts:
            return [_claimed(row, attempts[row.id]) for row in rows if row.id in attempts]
        for row in rows:
            session.expire(row)
    return []


def _claimed(row: Notification, attempt: int) -> Claimed:
    return Claimed(
        id=row.id,
        case_number=row.case_number,
        channel=row.channel,
        attempt=attempt,
        message=Message(
            notification_id=row.id,
            attempt=attempt,
            address=row.address,
            language=row.language,
            subject=row.subject,
            text=row.text,
        ),
    )


async def record_outcome(
    session: AsyncSession,
    *,
    claimed: Claimed,
    result: Result,
    now: datetime,
    policy: RetryPolicy,
) -> DeliveryStatus | None:
    """Store the attempt's outcome; None if the claim was lost meanwhile (nothing written)."""
    values: dict[str, object] = {"last_error": result.detail or None}
    if result.reference:
        values["provider_reference"] = result.reference[:200]
    reason = None
    if result.status == DeliveryStatus.DELIVERED:
        values |= {"status": result.status, "delivered_at": now, "next_attempt_at": None}
    elif result.status == DeliveryStatus.SENDING:  # accepted; a receipt will tell
        values |= {"status": result.status, "next_attempt_at": None}
    elif result.status in RETRIED and claimed.attempt < policy.max_attempts:
        values |= {
            "status": result.status,
            "next_attempt_at": now + policy.delay(claimed.attempt),
        }
    else:
        reason = (
            "permanent-failure"
            if result.status == DeliveryStatus.PERMANENT_FAILURE
            else "retries-exhausted"
        )
        values |= {"status": DeliveryStatus.PERMANENT_FAILURE, "next_attempt_at": None}
    fenced = await session.execute(
        update(Notification)
        .where(
            Notification.id == claimed.id,
            Notification.status == DeliveryStatus.SENDING,
            Notification.attempts == claimed.attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if fenced.rowcount != 1:  # type: ignore[attr-defined]
        log.warning(
            "notification %s: attempt %d finished after its lease was taken over; outcome %s "
            "not recorded",
            claimed.id,
            claimed.attempt,
            result.status,
        )
        return None
    if reason is not None:
        await _alert(session, claimed=claimed, reason=reason, result=result)
    elif result.status in RETRIED:
        log.warning(
            "notification %s by %s: %s on attempt %d of %d, retried at %s: %s",
            claimed.id,
            claimed.channel,
            result.status,
            claimed.attempt,
            policy.max_attempts,
            values["next_attempt_at"],
            result.detail,
        )
    return DeliveryStatus(values["status"])


async def give_up_unsent(
    session: AsyncSession, *, claimed: Claimed, policy: RetryPolicy, now: datetime
) -> DeliveryStatus | None:
    """A row claimed again after its attempts ran out without an outcome (workers died)."""
    return await record_outcome(
        session,
        claimed=claimed,
        result=Result(
            DeliveryStatus.TECHNICAL_FAILURE,
            detail=f"no outcome recorded in {policy.max_attempts} attempts",
        ),
        now=now,
        policy=policy,
    )


async def _alert(session: AsyncSession, *, claimed: Claimed, reason: str, result: Result) -> None:
    session.add(
        DeliveryAlert(
            notification_id=claimed.id,
            case_number=claimed.case_number,
            channel=claimed.channel,
            reason=reason,
            last_status=result.status,
            detail=result.detail[:4000],
            attempts=claimed.attempt,
        )
    )
    await session.flush()
    # The contact stays out of the log: the alert row links to it.
    log.error(
        "notification %s of case %s by %s given up (%s) after %d attempt(s): %s %s",
        claimed.id,
        claimed.case_number,
        claimed.channel,
        reason,
        claimed.attempt,
        result.status,
        result.detail,
    )


async def list_alerts(
    *, session: AsyncSession, include_resolved: bool = False
) -> list[DeliveryAlert]:
    query = select(DeliveryAlert).order_by(DeliveryAlert.created_at)
    if not include_resolved:
        query = query.where(DeliveryAlert.resolved_at.is_(None))
    return list((await session.scalars(query)).all())
