"""NATS JetStream plumbing: the connection, the streams, and the transactional outbox.

A state change and its thin event are written in one transaction (rule 5); the relay publishes
afterwards with `Nats-Msg-Id` = event id, so a retried publish is dropped by the server's
duplicate window, and marks the row sent only after the server's ack.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import datetime

import nats
from google.protobuf.message import Message
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import BadRequestError
from sqlalchemy import JSON, LargeBinary, String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, mark_work, skip_locked, transaction, utcnow
from govnet_kit.telemetry import inject_headers

log = logging.getLogger(__name__)

# Case status events: govnet.case.status.<tier>.<origin place code>
CASE_STREAM = StreamConfig(
    name="GOVNET_CASES",
    subjects=["govnet.case.>"],
    storage=StorageType.FILE,
    duplicate_window=600.0,
)
# Published catalog versions: govnet.catalog.item.<item code>
CATALOG_STREAM = StreamConfig(
    name="GOVNET_CATALOG",
    subjects=["govnet.catalog.>"],
    storage=StorageType.FILE,
    duplicate_window=600.0,
)
STREAMS = (CASE_STREAM, CATALOG_STREAM)


def case_status_subject(tier: str, origin_place_code: str) -> str:
    return f"govnet.case.status.{tier}.{origin_place_code}"


class NatsLink:
    """One connection per process; reconnects forever, and says whether it is up (readiness)."""

    # A central service creates or updates the streams it uses; an edge node's link does not
    # (they belong to the central cluster: village_room.edge.EdgeLink).
    manages_streams = True
    client_name = "govnet"

    def __init__(self, url: str, *, stream_replicas: int = 1):
        self.url = url
        self.stream_replicas = stream_replicas
        self.nc: NatsClient | None = None
        self._ready = asyncio.Event()

    async def connect(self) -> None:
        delay = 0.2
        while True:
            try:
                self.nc = await nats.connect(
                    self.url,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    connect_timeout=2,
                    drain_timeout=5,
                    name=self.client_name,
                )
                break
            except Exception as exc:  # noqa: BLE001 - keep trying; readiness says 503 meanwhile
                log.warning("nats connect failed (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        if self.manages_streams:
            await ensure_streams(self.nc.jetstream(), replicas=self.stream_replicas)
        self._ready.set()

    async def ready(self) -> JetStreamContext:
        await self._ready.wait()
        assert self.nc is not None
        return self.nc.jetstream()

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    async def close(self) -> None:
        if self.nc is not None and not self.nc.is_closed:
            try:
                await self.nc.drain()
            except Exception:  # noqa: BLE001 - shutting down regardless
                await self.nc.close()


async def ensure_streams(js: JetStreamContext, *, replicas: int = 1) -> None:
    """Create the streams, or bring an existing one to this configuration (the replica count
    too: JetStream moves a stream from 1 to 3 copies in place on a cluster)."""
    for stream in STREAMS:
        config = dataclasses.replace(stream, num_replicas=replicas)
        try:
            await js.add_stream(config)
        except BadRequestError:
            await js.update_stream(config)


class OutboxMessage(Base):
    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)


def add_event(session: AsyncSession, *, subject: str, event_id: str, message: Message) -> None:
    """Queue a thin event in the caller's transaction, with the current trace context."""
    session.add(
        OutboxMessage(
            event_id=event_id,
            subject=subject,
            payload=message.SerializeToString(),
            headers=inject_headers(),
        )
    )
    mark_work(session)


class OutboxRelay:
    """Publishes unsent outbox rows in order. Several replicas may run it: rows are claimed
    with SKIP LOCKED, and the server drops a duplicate by its message id anyway."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], link: NatsLink, *, batch: int = 100
    ):
        self._sessions = sessions
        self._link = link
        self._batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def publish_due(self) -> int:
        js = await self._link.ready()
        async with transaction(self._sessions) as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None))
                    .order_by(OutboxMessage.seq)
                    .limit(self._batch)
                    .with_for_update(**skip_locked(session))
                )
            ).all()
            for row in rows:
                headers = {**(row.headers or {}), "Nats-Msg-Id": row.event_id}
                await js.publish(row.subject, row.payload, headers=headers, timeout=5.0)
                row.sent_at = utcnow()
        return len(rows)

    async def run(self, *, idle_wait: float = 1.0) -> None:
        # Commits in this process wake the relay at once (Runtime.committed); the idle poll
        # only picks up rows of other replicas and retries, so a second is plenty and an
        # idle service stays idle. The wake-up is cleared before the rows are read, so a
        # commit during a round sets it again; a round that found less than a full batch
        # then waits for one rather than reading again (an empty transaction per event).
        await self._link.ready()
        while True:
            self._wake.clear()
            try:
                sent = await self.publish_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - rows stay unsent and are retried
                log.warning("outbox relay: %s", exc)
                sent = 0
                await asyncio.sleep(1.0)
            if sent < self._batch:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=idle_wait)
                except TimeoutError:
                    pass
