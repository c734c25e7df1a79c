"""Durable JetStream pull consumers, idempotent by event id (decision 1, N1).

The handler runs in one transaction with the record that the event was processed, so a
redelivery after a crash is skipped, and the message is acked only after that commit.
`after_commit` (waking the process's relays or workers) runs only after a transaction that
queued work for them (`db.mark_work`): most events queue nothing in most consumers.

A message whose handler keeps failing is nak'ed with a delay and redelivered. By default
JetStream stops redelivering it after `max_deliver` deliveries. A consumer given
`on_dead_letter` instead stores it through that callback when a delivery numbered `max_deliver`
or later fails, and only then terminates it. Its server-side limit is lifted for that reason:
a crash between the last failure and the store must lead to one more delivery, not to a
message nobody holds any more.

A consumer given a `batch_handler` handles the first deliveries of a fetch in one transaction
(`process_batch`) and acks them after its commit: one transaction, not one per message. A
batch that fails is rolled back and its messages handled one by one as above, so a poison
message is retried and dead-lettered alone while the rest are stored. A message delivered
again (it failed, or its ack was lost) is always handled alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import context as otel_context
from sqlalchemy import String, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, left_work, transaction, utcnow
from govnet_kit.messaging import NatsLink
from govnet_kit.telemetry import extract_context, tracer

log = logging.getLogger(__name__)


class ProcessedEvent(Base):
    __tablename__ = "processed_event"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Event:
    subject: str
    event_id: str
    data: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class FailedMessage:
    """A message given up on: what `on_dead_letter` receives to store."""

    consumer: str
    stream: str
    stream_sequence: int
    deliveries: int
    event: Event  # event_id is "" when the message had no Nats-Msg-Id
    error: str


Handler = Callable[[AsyncSession, Event], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence[Event]], Awaitable[None]]
DeadLetterHandler = Callable[[AsyncSession, FailedMessage], Awaitable[None]]


def constant_delay(_deliveries: int) -> float:
    return 1.0


def exponential_delay(deliveries: int, *, base: float = 1.0, cap: float = 30.0) -> float:
    """1 s, 2 s, 4 s, ... up to `cap`: a nak delay for the n-th failed delivery."""
    return min(base * 2 ** max(deliveries - 1, 0), cap)


class DurableConsumer:
    def __init__(
        self,
        link: NatsLink,
        sessions: async_sessionmaker[AsyncSession],
        *,
        durable: str,
        stream: str,
        subjects: list[str],
        handler: Handler,
        max_deliver: int = 20,
        after_commit: Callable[[], None] | None = None,
        on_dead_letter: DeadLetterHandler | None = None,
        retry_delay: Callable[[int], float] = constant_delay,
        batch_handler: BatchHandler | None = None,
    ):
        self._link = link
        self._sessions = sessions
        self.durable = durable
        self._stream = stream
        self._subjects = subjects
        self._handler = handler
        self._batch_handler = batch_handler
        self._after_commit = after_commit
        self._on_dead_letter = on_dead_letter
        self._retry_delay = retry_delay
        self.max_deliver = max_deliver
        self._config = ConsumerConfig(
            name=durable if on_dead_letter is not None else None,
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=30.0,
            # With a dead-letter store this consumer counts deliveries itself (module doc).
            max_deliver=-1 if on_dead_letter is not None else max_deliver,
            filter_subjects=subjects,
        )

    async def process(self, session: AsyncSession, event: Event) -> bool:
        """Run the handler once per event id, in the caller's transaction; False if seen.

        The consumer calls it for each message; an operator's replay of a dead letter calls
        it too, so a replay is exactly as idempotent as a delivery.
        """
        seen = await session.scalar(
            select(ProcessedEvent.event_id).where(
                ProcessedEvent.consumer == self.durable,
                ProcessedEvent.event_id == event.event_id,
            )
        )
        if seen is not None:
            return False
        await self._handler(session, event)
        session.add(ProcessedEvent(consumer=self.durable, event_id=event.event_id))
        return True

    async def process_batch(self, session: AsyncSession, events: Sequence[Event]) -> list[Event]:
        """`process` for several events in the caller's transaction: the batch handler runs
        once, for the events whose id is neither seen before nor earlier in the batch; those
        events are returned."""
        assert self._batch_handler is not None
        ids = list(dict.fromkeys(e.event_id for e in events))
        seen = set(
            await session.scalars(
                select(ProcessedEvent.event_id).where(
                    ProcessedEvent.consumer == self.durable, ProcessedEvent.event_id.in_(ids)
                )
            )
        )
        fresh: list[Event] = []
        for event in events:
            if event.event_id not in seen:
                seen.add(event.event_id)
                fresh.append(event)
        if fresh:
            await self._batch_handler(session, fresh)
            await session.execute(
                insert(ProcessedEvent.__table__),
                [{"consumer": self.durable, "event_id": e.event_id} for e in fresh],
            )
        return fresh

    async def handle_batch(self, msgs: Sequence[Msg]) -> None:
        """Handle fetched messages, the first deliveries together (module doc)."""
        together = [m for m in msgs if _event_id(m) and _deliveries(m) == 1]
        if self._batch_handler is None or len(together) < 2:
            together = []
        elif await self._handle_together(together):
            together_ids = {id(m) for m in together}
            msgs = [m for m in msgs if id(m) not in together_ids]
        for msg in msgs:
            try:
                await self.handle(msg)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the ack failed: redelivered, then skipped
                log.exception("%s: acking %s failed: %s", self.durable, msg.subject, exc)
                with contextlib.suppress(Exception):
                    await msg.nak(delay=self._retry_delay(_deliveries(msg)))

    async def _handle_together(self, msgs: Sequence[Msg]) -> bool:
        """One transaction for the messages, then their acks; False (nothing stored or acked)
        if it failed, for the caller to handle them one by one."""
        events = [_event(m) for m in msgs]
        # A span per message in its own trace, as `handle` makes, covering the batch's work.
        spans = [
            tracer.start_span(f"consume {e.subject}", context=extract_context(e.headers))
            for e in events
        ]
        try:
            async with transaction(self._sessions) as session:
                await self.process_batch(session, events)
                work = left_work(session)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - each message again on its own
            log.warning(
                "%s: a batch of %d failed (%s: %s); handling them one by one",
                self.durable,
                len(msgs),
                type(exc).__name__,
                exc,
            )
            return False
        finally:
            for span in spans:
                span.end()
        acked = await asyncio.gather(*(m.ack_sync() for m in msgs), return_exceptions=True)
        for msg, outcome in zip(msgs, acked, strict=True):
            if isinstance(outcome, BaseException):
                # Redelivered, then skipped as seen.
                log.error("%s: acking %s failed: %s", self.durable, msg.subject, outcome)
                with contextlib.suppress(Exception):
                    await msg.nak(delay=self._retry_delay(_deliveries(msg)))
        if self._after_commit is not None and work:
            self._after_commit()
        return True

    async def handle(self, msg: Msg) -> None:
        event = _event(msg)
        event_id, headers = event.event_id, event.headers
        if not event_id:
            if self._on_dead_letter is not None:
                # Without an id there is no idempotent way to handle it: straight to the store.
                await self._dead_letter(msg, event, "message without Nats-Msg-Id")
                return
            log.error(
                "%s: message without Nats-Msg-Id on %s; terminated", self.durable, msg.subject
            )
            await msg.term()
            return
        token = otel_context.attach(extract_context(headers))
        try:
            with tracer.start_as_current_span(f"consume {msg.subject}"):
                async with transaction(self._sessions) as session:
                    await self.process(session, event)
                    work = left_work(session)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - redelivered with a delay, or dead-lettered
            log.exception("%s: handling %s failed: %s", self.durable, msg.subject, exc)
            await self._failed(msg, event, exc)
            return
        finally:
            otel_context.detach(token)
        await msg.ack_sync()
        if self._after_commit is not None and work:
            self._after_commit()

    async def _failed(self, msg: Msg, event: Event, exc: Exception) -> None:
        deliveries = _deliveries(msg)
        if self._on_dead_letter is not None and deliveries >= self.max_deliver:
            await self._dead_letter(msg, event, f"{type(exc).__name__}: {exc}")
            return
        await msg.nak(delay=self._retry_delay(deliveries))

    async def _dead_letter(self, msg: Msg, event: Event, error: str) -> None:
        assert self._on_dead_letter is not None
        deliveries = _deliveries(msg)
        failed = FailedMessage(
            consumer=self.durable,
            stream=self._stream,
            stream_sequence=_stream_sequence(msg),
            deliveries=deliveries,
            event=event,
            error=error[:4000],
        )
        try:
            async with transaction(self._sessions) as session:
                await self._on_dead_letter(session, failed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - not stored: it must come back, not vanish
            log.exception("%s: storing dead letter failed: %s", self.durable, exc)
            await msg.nak(delay=self._retry_delay(deliveries))
            return
        log.error(
            "%s: message %s on %s dead-lettered after %d deliveries: %s",
            self.durable,
            event.event_id or f"seq {failed.stream_sequence}",
            msg.subject,
            deliveries,
            failed.error,
        )
        await msg.term()

    async def _subscribe(self, js):  # type: ignore[no-untyped-def]
        if self._on_dead_letter is not None:
            # Create or update: a durable made before dead-lettering had a server-side limit.
            await js.add_consumer(self._stream, config=self._config)
        return await js.pull_subscribe(
            "", durable=self.durable, stream=self._stream, config=self._config
        )

    async def run(self, *, batch: int = 50) -> None:
        while True:
            try:
                js = await self._link.ready()
                sub = await self._subscribe(js)
                try:
                    await self._pull(sub, batch)
                finally:
                    # Unsubscribe so the connection drains promptly at shutdown.
                    with contextlib.suppress(Exception):
                        await sub.unsubscribe()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - rebuild the subscription after a reconnect
                log.warning("%s: subscription lost (%s); rebuilding", self.durable, exc)
                await asyncio.sleep(0.5)

    async def _pull(self, sub, batch: int) -> None:  # type: ignore[no-untyped-def]
        while True:
            try:
                msgs = await sub.fetch(batch, timeout=1.0)
            except (TimeoutError, NatsTimeout):
                continue
            await self.handle_batch(msgs)


def _event_id(msg: Msg) -> str:
    return (msg.headers or {}).get("Nats-Msg-Id", "")


def _event(msg: Msg) -> Event:
    headers = dict(msg.headers or {})
    return Event(
        subject=msg.subject,
        event_id=headers.get("Nats-Msg-Id", ""),
        data=msg.data,
        headers=headers,
    )


def _deliveries(msg: Msg) -> int:
    try:
        return msg.metadata.num_delivered
    except Exception:  # noqa: BLE001 - not a JetStream message (tests): its first delivery
        return 1


def _stream_sequence(msg: Msg) -> int:
    try:
        return msg.metadata.sequence.stream
    except Exception:  # noqa: BLE001
        return 0
