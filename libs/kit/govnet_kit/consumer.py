"""Durable JetStream pull consumers, idempotent by event id (decision 1, N1).

The handler runs in one transaction with the record that the event was processed, so a
redelivery after a crash is skipped, and the message is acked only after that commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import context as otel_context
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, transaction, utcnow
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


Handler = Callable[[AsyncSession, Event], Awaitable[None]]


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
    ):
        self._link = link
        self._sessions = sessions
        self.durable = durable
        self._stream = stream
        self._subjects = subjects
        self._handler = handler
        self._after_commit = after_commit
        self._config = ConsumerConfig(
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=30.0,
            max_deliver=max_deliver,
            filter_subjects=subjects,
        )

    async def handle(self, msg: Msg) -> None:
        headers = dict(msg.headers or {})
        event_id = headers.get("Nats-Msg-Id", "")
        if not event_id:
            log.error(
                "%s: message without Nats-Msg-Id on %s; terminated", self.durable, msg.subject
            )
            await msg.term()
            return
        event = Event(subject=msg.subject, event_id=event_id, data=msg.data, headers=headers)
        token = otel_context.attach(extract_context(headers))
        try:
            with tracer.start_as_current_span(f"consume {msg.subject}"):
                async with transaction(self._sessions) as session:
                    seen = await session.scalar(
                        select(ProcessedEvent.event_id).where(
                            ProcessedEvent.consumer == self.durable,
                            ProcessedEvent.event_id == event_id,
                        )
                    )
                    if seen is None:
                        await self._handler(session, event)
                        session.add(ProcessedEvent(consumer=self.durable, event_id=event_id))
        finally:
            otel_context.detach(token)
        await msg.ack_sync()
        if self._after_commit is not None:
            self._after_commit()

    async def run(self, *, batch: int = 50) -> None:
        while True:
            try:
                js = await self._link.ready()
                sub = await js.pull_subscribe(
                    "", durable=self.durable, stream=self._stream, config=self._config
                )
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
            for msg in msgs:
                try:
                    await self.handle(msg)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - redelivered with a delay
                    log.exception("%s: handling %s failed: %s", self.durable, msg.subject, exc)
                    await msg.nak(delay=1.0)
