"""A dead-letter store for a service's durable consumers: keep what they gave up on, list it,
replay it (N1: nothing dropped silently).

Wire it as the consumer's `on_dead_letter=dead_letters.record`; the consumer then counts
deliveries itself and stores the message when the delivery numbered `max_deliver` fails
(`govnet_kit.consumer`). A replay runs the consumer's own idempotent step
(`DurableConsumer.process`) in one transaction with the mark that it was replayed, so replaying
twice, or replaying a message that was redelivered and handled meanwhile, does nothing twice.

Only the services that import this module have the table (town-hall, village-room); notify has
its own store of the same shape (`notify.dead_letter`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy import JSON, BigInteger, LargeBinary, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.consumer import DurableConsumer, Event, FailedMessage
from govnet_kit.db import Base, make_engine, make_sessionmaker, new_id, transaction, utcnow
from govnet_kit.errors import Conflict, DomainError, NotFound

Process = Callable[[AsyncSession, Event], Awaitable[bool]]


class ConsumerDeadLetter(Base):
    __tablename__ = "consumer_dead_letter"
    # A redelivery of a message already stored here (its term was lost) adds no second row.
    __table_args__ = (
        UniqueConstraint(
            "consumer", "stream", "stream_sequence", name="uq_consumer_dead_letter_message"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consumer: Mapped[str] = mapped_column(String(100))
    stream: Mapped[str] = mapped_column(String(100))
    stream_sequence: Mapped[int] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(64), default="")  # "" without Nats-Msg-Id
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    deliveries: Mapped[int]
    error: Mapped[str] = mapped_column(Text)
    dead_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None]
    replay_error: Mapped[str | None] = mapped_column(Text)


async def record(session: AsyncSession, failed: FailedMessage) -> None:
    """`on_dead_letter` of a consumer: one row per message, however often it comes back."""
    existing = await session.scalar(
        select(ConsumerDeadLetter).where(
            ConsumerDeadLetter.consumer == failed.consumer,
            ConsumerDeadLetter.stream == failed.stream,
            ConsumerDeadLetter.stream_sequence == failed.stream_sequence,
        )
    )
    if existing is not None:
        existing.deliveries = max(existing.deliveries, failed.deliveries)
        existing.error = failed.error
        return
    session.add(
        ConsumerDeadLetter(
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
) -> list[ConsumerDeadLetter]:
    query = select(ConsumerDeadLetter).order_by(
        ConsumerDeadLetter.dead_at, ConsumerDeadLetter.stream_sequence
    )
    if not include_replayed:
        query = query.where(ConsumerDeadLetter.replayed_at.is_(None))
    return list((await session.scalars(query)).all())


async def get(*, session: AsyncSession, dead_letter_id: str) -> ConsumerDeadLetter:
    row = await session.get(ConsumerDeadLetter, dead_letter_id)
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


# -- the operator's commands: `<service> dead-letters list [--all] | replay <id>` ------------

Consumers = Callable[[async_sessionmaker[AsyncSession]], Sequence[DurableConsumer]]


async def run_command(args: argparse.Namespace, database_url: str, consumers: Consumers) -> int:
    """Run `dead-letters list|replay`; `consumers` builds the service's consumers (for their
    idempotent step only: nothing connects to NATS)."""
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    try:
        if args.action == "list":
            return await _list(sessions, include_replayed=args.all)
        processes = {c.durable: c.process for c in consumers(sessions)}
        return await _replay(sessions, args.id, processes)
    finally:
        await engine.dispose()


async def _list(sessions: async_sessionmaker[AsyncSession], *, include_replayed: bool) -> int:
    async with transaction(sessions) as session:
        rows = await list_dead_letters(session=session, include_replayed=include_replayed)
    for r in rows:
        state = f"replayed {r.replayed_at.isoformat()}" if r.replayed_at else "waiting"
        first_line = r.error.splitlines()[0][:200] if r.error else ""
        print(
            "  ".join(
                [
                    r.id,
                    r.dead_at.isoformat(),
                    r.consumer,
                    r.subject,
                    r.event_id or "-",
                    f"deliveries={r.deliveries}",
                    state,
                    first_line,
                ]
            )
        )
        if r.replay_error:
            print(f"    last replay failed: {r.replay_error.splitlines()[0][:200]}")
    print(f"{len(rows)} dead letter(s)")
    return 0


async def _replay(
    sessions: async_sessionmaker[AsyncSession], dead_letter_id: str, processes: dict[str, Process]
) -> int:
    try:
        async with transaction(sessions) as session:
            handled = await replay(
                session=session, dead_letter_id=dead_letter_id, processes=processes
            )
    except DomainError as exc:
        print(f"not replayed: {exc.message}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the handler failed again: say so and keep it
        error = f"{type(exc).__name__}: {exc}"
        async with transaction(sessions) as session:
            await record_replay_error(session=session, dead_letter_id=dead_letter_id, error=error)
        print(f"replay failed, still a dead letter: {error}", file=sys.stderr)
        return 1
    print(
        f"replayed {dead_letter_id}: "
        + ("handled" if handled else "already handled before; nothing done twice")
    )
    return 0
