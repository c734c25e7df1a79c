"""Pending calls: the upward outbox (decision 1). A case goes up by a gRPC call that the sender
retries from its own table until the receiver acknowledges it; the receiver is idempotent.

A call is queued in the same transaction as the state change that needs it. Its handler runs in
a transaction of its own that also records the outcome, so an acknowledged call is never sent
again and an unacknowledged one is never forgotten.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from opentelemetry import context as otel_context
from sqlalchemy import JSON, LargeBinary, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, skip_locked, transaction, utcnow
from govnet_kit.telemetry import extract_context, inject_headers

log = logging.getLogger(__name__)

CallHandler = Callable[[AsyncSession, bytes], Awaitable[None]]


class PendingCall(Base):
    __tablename__ = "pending_call"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_pending_call_kind_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(100))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    done_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


async def enqueue(session: AsyncSession, *, kind: str, key: str, payload: bytes) -> None:
    """Queue a call once per (kind, key); queuing it again is a no-op."""
    existing = await session.scalar(
        select(PendingCall.id).where(PendingCall.kind == kind, PendingCall.key == key)
    )
    if existing is None:
        session.add(PendingCall(kind=kind, key=key, payload=payload, headers=inject_headers()))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(0.5 * 2 ** min(attempts, 10), 60.0))


class CallRelay:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], handlers: dict[str, CallHandler]
    ):
        self._sessions = sessions
        self._handlers = handlers
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def _due_ids(self) -> list[str]:
        async with self._sessions() as session:
            return list(
                (
                    await session.scalars(
                        select(PendingCall.id)
                        .where(
                            PendingCall.done_at.is_(None), PendingCall.next_attempt_at <= utcnow()
                        )
                        .order_by(PendingCall.next_attempt_at)
                        .limit(50)
                    )
                ).all()
            )

    async def _attempt(self, call_id: str) -> None:
        try:
            async with transaction(self._sessions) as session:
                call = await session.scalar(
                    select(PendingCall)
                    .where(PendingCall.id == call_id, PendingCall.done_at.is_(None))
                    .with_for_update(**skip_locked(session))
                )
                if call is None:  # done meanwhile, or claimed by another replica
                    return
                token = otel_context.attach(extract_context(call.headers))
                try:
                    await self._handlers[call.kind](session, call.payload)
                finally:
                    otel_context.detach(token)
                call.done_at = utcnow()
                call.attempts += 1
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - recorded and retried with backoff
            log.warning("pending call %s failed: %s", call_id, exc)
            async with transaction(self._sessions) as session:
                call = await session.get(PendingCall, call_id)
                if call is not None and call.done_at is None:
                    call.attempts += 1
                    call.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    call.next_attempt_at = utcnow() + backoff(call.attempts)

    async def run_due(self) -> int:
        ids = await self._due_ids()
        for call_id in ids:
            await self._attempt(call_id)
        return len(ids)

    async def run(self, *, idle_wait: float = 0.25) -> None:
        while True:
            try:
                ran = await self.run_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be briefly away
                log.warning("call relay: %s", exc)
                ran = 0
                await asyncio.sleep(1.0)
            if ran == 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=idle_wait)
                except TimeoutError:
                    pass
                self._wake.clear()
