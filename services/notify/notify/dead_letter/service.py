"""The dead-letter store of notify's consumer: keep what it gave up on, list it, replay it.

A replay runs the consumer's own idempotent step (`DurableConsumer.process`) on the stored
message in one transaction with the mark that it was replayed, so replaying twice, or replaying
a message that was meanwhile redelivered and handled, tells nobody twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.consumer import Event, FailedMessage
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, NotFound
from notify.dead_letter.models import DeadLetter

Process = Callable[[AsyncSession, Event], Awaitable[bool]]


async def store(session: AsyncSession, failed: FailedMessage) -> None:
    """`on_dead_letter` of the consumer: one row per message, however often it comes back."""
    existing = await session.scalar(
        select(DeadLetter).where(
            DeadLetter.consumer == failed.consumer,
            DeadLetter.stream == failed.stream,
            DeadLetter.stream_sequence == failed.stream_sequence,
        )
    )
    if existing is not None:
        existing.deliveries = max(existing.deliveries, failed.deliveries)
        existing.error = failed.error
        return
    session.add(
        DeadLetter(
            consumer=failed.consumer,
            stream=failed.stream,
            stream_sequence=failed.stream_sequence,
            subject=failed.event.subject,
            event_id=failed.event.event_id,
            headers=failed.event.headers,
            data=failed.event.data,
            deliveries=failed.deliveries,
            error=failed.error,
        )
    )
    await session.flush()


async def list_dead_letters(
    *, session: AsyncSession, include_replayed: bool = False
) -> list[DeadLetter]:
    query = select(DeadLetter).order_by(DeadLetter.dead_at, DeadLetter.stream_sequence)
    if not include_replayed:
        query = query.where(DeadLetter.replayed_at.is_(None))
    return list((await session.scalars(query)).all())


async def get(*, session: AsyncSession, dead_letter_id: str) -> DeadLetter:
    row = await session.get(DeadLetter, dead_letter_id)
    if row is None:
        raise NotFound(f"no dead letter {dead_letter_id}", field="id")
    return row


async def replay(
    *, session: AsyncSession, dead_letter_id: str, processes: dict[str, Process]
) -> bool:
    """Hand the stored message to its consumer again; False if it had been handled already."""
    row = await get(session=session, dead_letter_id=dead_letter_id)
    if row.replayed_at is not None:
        raise Conflict(f"dead letter {row.id} was replayed at {row.replayed_at.isoformat()}")
    if not row.event_id:
        raise Conflict(f"dead letter {row.id} has no event id, so it cannot be replayed once")
    process = processes.get(row.consumer)
    if process is None:
        raise Conflict(f"dead letter {row.id} belongs to unknown consumer {row.consumer}")
    event = Event(
        subject=row.subject, event_id=row.event_id, data=row.data, headers=dict(row.headers)
    )
    handled = await process(session, event)
    row.replayed_at = utcnow()
    row.replay_error = None
    await session.flush()
    return handled


async def record_replay_error(*, session: AsyncSession, dead_letter_id: str, error: str) -> None:
    row = await get(session=session, dead_letter_id=dead_letter_id)
    row.replay_error = error[:4000]
    await session.flush()
