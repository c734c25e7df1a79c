"""Pending calls: the upward outbox (decision 1). A case goes up by a gRPC call that the sender
retries from its own table until the receiver acknowledges it; the receiver is idempotent.

A call is queued in the same transaction as the state change that needs it. Its handler runs in
a transaction of its own that also records the outcome, so an acknowledged call is never sent
again and an unacknowledged one is never forgotten.

A failed attempt is classified (`classify`). A transient failure (the receiver unreachable,
timed out, busy, or failing inside) is retried with backoff, its reason kept on the row. A
refusal (the receiver answered that the request itself is wrong: INVALID_ARGUMENT,
FAILED_PRECONDITION, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS, OUT_OF_RANGE,
UNIMPLEMENTED) is not retried: the row is marked `needs_fixing_at` with the refusal's field and
both languages, stays listed, and is sent again only when someone requeues it (`requeue`).
A receiver that means "ask again shortly" answers UNAVAILABLE (`errors.Unavailable`), never
FAILED_PRECONDITION, so that the sender keeps retrying.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import grpc
from opentelemetry import context as otel_context
from sqlalchemy import JSON, LargeBinary, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, mark_work, new_id, skip_locked, transaction, utcnow
from govnet_kit.errors import MESSAGE_ZH, DomainError
from govnet_kit.telemetry import extract_context, inject_headers

log = logging.getLogger(__name__)

BATCH = 50  # calls read per round

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
    # The last failure as staff read it (see `classify`); a refusal also sets needs_fixing_at.
    failure: Mapped[str | None] = mapped_column(String(30))
    failure_field: Mapped[str | None] = mapped_column(String(200))
    failure_message: Mapped[str | None] = mapped_column(Text)
    failure_message_zh: Mapped[str | None] = mapped_column(Text)
    needs_fixing_at: Mapped[datetime | None]


# Reasons a call failed, with what staff are told (the service names its receiver).
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
BUSY = "busy"
UPSTREAM_ERROR = "upstream_error"
LOCAL_ERROR = "local_error"
REFUSED = "refused"

_TRANSIENT_STATUS = {
    grpc.StatusCode.UNAVAILABLE: UNREACHABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: TIMEOUT,
    grpc.StatusCode.RESOURCE_EXHAUSTED: BUSY,
}
REFUSING_STATUS = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.ALREADY_EXISTS,
        grpc.StatusCode.OUT_OF_RANGE,
        grpc.StatusCode.UNIMPLEMENTED,
    }
)
_DEFAULT_ZH = {
    UNREACHABLE: "上级服务暂时无法连接",
    TIMEOUT: "上级服务响应超时",
    BUSY: "上级服务繁忙",
    UPSTREAM_ERROR: "上级服务内部出错",
    LOCAL_ERROR: "本级处理出错",
}


@dataclass(frozen=True)
class Failure:
    """A failed attempt as staff read it: retried (transient) or refused (needs fixing)."""

    reason: str
    message: str
    message_zh: str
    field: str | None = None

    @property
    def retry(self) -> bool:
        return self.reason != REFUSED


def _by_status(status: grpc.StatusCode, detail: str, zh: str, field: str | None) -> Failure:
    if status in REFUSING_STATUS:
        return Failure(REFUSED, detail, zh or detail, field)
    reason = _TRANSIENT_STATUS.get(status, UPSTREAM_ERROR)
    return Failure(reason, detail, zh or _DEFAULT_ZH[reason], field)


def classify(exc: BaseException) -> Failure:
    """Transient (retry with backoff) or refused (stop, needs fixing), from the gRPC status the
    receiver answered, or the domain error a handler raised (a relayed answer, or its own check).
    UNAUTHENTICATED, INTERNAL, UNKNOWN and the rest are retried: they heal without touching
    the call (a token renewed, a receiver fixed)."""
    if isinstance(exc, grpc.aio.AioRpcError):
        zh = ""
        for key, value in exc.trailing_metadata() or ():
            if key == MESSAGE_ZH:
                zh = value.decode() if isinstance(value, bytes) else str(value)
        detail = exc.details() or exc.code().name
        field, sep, rest = detail.partition(": ")
        if sep and field and " " not in field:  # "field: message", as the interceptor writes
            return _by_status(exc.code(), rest, zh, field)
        return _by_status(exc.code(), detail, zh, None)
    if isinstance(exc, DomainError):
        return _by_status(exc.grpc_status, exc.message, exc.message_zh, exc.field)
    if isinstance(exc, OSError | TimeoutError):  # connection refused, reset, timed out
        return Failure(UNREACHABLE, f"{type(exc).__name__}: {exc}", _DEFAULT_ZH[UNREACHABLE])
    return Failure(LOCAL_ERROR, f"{type(exc).__name__}: {exc}", _DEFAULT_ZH[LOCAL_ERROR])


async def enqueue(session: AsyncSession, *, kind: str, key: str, payload: bytes) -> None:
    """Queue a call once per (kind, key); queuing it again is a no-op."""
    existing = await session.scalar(
        select(PendingCall.id).where(PendingCall.kind == kind, PendingCall.key == key)
    )
    if existing is None:
        session.add(PendingCall(kind=kind, key=key, payload=payload, headers=inject_headers()))
        mark_work(session)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(0.5 * 2 ** min(attempts, 10), 60.0))


async def requeue(session: AsyncSession, call: PendingCall) -> None:
    """Send a call that needs fixing again, now (after its cause was fixed); its history stays."""
    call.needs_fixing_at = None
    call.next_attempt_at = utcnow()


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
                            PendingCall.done_at.is_(None),
                            PendingCall.needs_fixing_at.is_(None),
                            PendingCall.next_attempt_at <= utcnow(),
                        )
                        .order_by(PendingCall.next_attempt_at)
                        .limit(BATCH)
                    )
                ).all()
            )

    async def _attempt(self, call_id: str) -> None:
        try:
            async with transaction(self._sessions) as session:
                call = await session.scalar(
                    select(PendingCall)
                    .where(
                        PendingCall.id == call_id,
                        PendingCall.done_at.is_(None),
                        PendingCall.needs_fixing_at.is_(None),
                    )
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
        except Exception as exc:  # noqa: BLE001 - recorded; retried with backoff, or kept
            failure = classify(exc)
            log.warning(
                "pending call %s %s: %s", call_id, "failed" if failure.retry else "refused", exc
            )
            async with transaction(self._sessions) as session:
                call = await session.get(PendingCall, call_id)
                if call is not None and call.done_at is None:
                    call.attempts += 1
                    call.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    call.failure = failure.reason
                    call.failure_field = (failure.field or None) and failure.field[:200]
                    call.failure_message = failure.message[:2000]
                    call.failure_message_zh = failure.message_zh[:2000]
                    if failure.retry:
                        call.next_attempt_at = utcnow() + backoff(call.attempts)
                    else:
                        call.needs_fixing_at = utcnow()

    async def run_due(self) -> int:
        ids = await self._due_ids()
        for call_id in ids:
            await self._attempt(call_id)
        return len(ids)

    async def run(self, *, idle_wait: float = 1.0) -> None:
        # Commits in this process wake the relay at once (Runtime.committed); the idle poll
        # only picks up rows of other replicas and retries, so a second is plenty and an
        # idle service stays idle. Cleared before the calls are read, as the outbox relay
        # does, so a round that found less than a full batch waits for the next wake-up.
        while True:
            self._wake.clear()
            try:
                ran = await self.run_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be briefly away
                log.warning("call relay: %s", exc)
                ran = 0
                await asyncio.sleep(1.0)
            if ran < BATCH:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=idle_wait)
                except TimeoutError:
                    pass
