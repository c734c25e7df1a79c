"""The supervision's background work (rule 6): the durable consumer that builds the projection
from every tier's status events, and the watcher that raises warnings when they fall due and
delivers what is owed to window staff through notify (SendDirect, in-app)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from city_center.complaint import service as complaint_service
from city_center.supervision import service
from city_center.supervision.models import (
    DUE_SOON,
    OVERDUE,
    PENDING,
    RATING_CODE,
    SENT,
    StaffMessage,
)
from govnet.events.v1 import events_pb2
from govnet.notify.v1 import notify_pb2, notify_pb2_grpc
from govnet_kit.calls import backoff
from govnet_kit.consumer import BatchHandler, DurableConsumer, Event, Handler
from govnet_kit.db import skip_locked, transaction, utcnow
from govnet_kit.messaging import CASE_STREAM, NatsLink
from govnet_kit.worktime import SHANGHAI, WorkCalendar

log = logging.getLogger(__name__)

DURABLE = "city-center-supervision"
SUBJECTS = ["govnet.case.status.>"]  # every tier, every place (S1)
# notify's direct-message template per kind of message.
TEMPLATES = {
    DUE_SOON: "case_due_soon",
    OVERDUE: "case_overdue",
    RATING_CODE: "rating_code",
}

Send = Callable[[StaffMessage], Awaitable[str]]


def status_handler(*, working_days: int, calendar: WorkCalendar) -> Handler:
    async def handle(session: AsyncSession, event: Event) -> None:
        status = events_pb2.CaseStatusChanged.FromString(event.data)
        projected = await service.project(
            session, status, working_days=working_days, calendar=calendar
        )
        if projected is not None and projected.changed:
            await complaint_service.invite_rating(session, clock=projected.clock)

    return handle


def _clock_key(event: Event) -> tuple[str, int]:
    status = events_pb2.CaseStatusChanged.FromString(event.data)
    return status.case_number, status.tier


def status_batch_handler(*, working_days: int, calendar: WorkCalendar) -> BatchHandler:
    """A fetch's events in one transaction, not one each (the kit's `batch_handler`). The
    clocks are locked in key order (case number, then tier), so two batches never wait on each
    other crosswise; the sort is stable, so each clock still sees its events in stream order."""
    handle = status_handler(working_days=working_days, calendar=calendar)

    async def handle_batch(session: AsyncSession, events: Sequence[Event]) -> None:
        for event in sorted(events, key=_clock_key):
            await handle(session, event)

    return handle_batch


def consumer(
    link: NatsLink,
    sessions: async_sessionmaker[AsyncSession],
    *,
    working_days: int,
    calendar: WorkCalendar,
) -> DurableConsumer:
    return DurableConsumer(
        link,
        sessions,
        durable=DURABLE,
        stream=CASE_STREAM.name,
        subjects=SUBJECTS,
        handler=status_handler(working_days=working_days, calendar=calendar),
        batch_handler=status_batch_handler(working_days=working_days, calendar=calendar),
    )


def deadline_text(deadline: datetime | None) -> str:
    """24:00 of the due day, as the plan says it (Asia/Shanghai)."""
    if deadline is None:
        return "-"
    return (deadline.astimezone(SHANGHAI) - timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"


def request_for(message: StaffMessage) -> notify_pb2.SendDirectRequest:
    return notify_pb2.SendDirectRequest(
        channel=notify_pb2.CHANNEL_IN_APP,
        address=f"staff:{message.staff_id}",
        language="zh",
        template=TEMPLATES[message.kind],
        values={
            "case_number": message.case_number,
            "deadline": deadline_text(message.deadline),
            **(message.values or {}),
        }
        if message.kind != RATING_CODE
        else {"case_number": message.case_number, **(message.values or {})},
        # notify drops a second request with the same reference: a retry never sends twice.
        reference=f"supervision:{message.id}",
    )


class NotifySender:
    """SendDirect to notify with this service's own token."""

    def __init__(self, runtime, target: str):  # type: ignore[no-untyped-def]
        self._rt = runtime
        self._stub = notify_pb2_grpc.NotifyServiceStub(runtime.channel_to(target))

    async def __call__(self, message: StaffMessage) -> str:
        resp = await self._stub.SendDirect(
            request_for(message),
            metadata=await self._rt.service_tokens.metadata(case_number=message.case_number),
            timeout=5.0,
        )
        return str(resp.notification_id)


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession], send: Send, *, now: datetime, limit: int = 50
) -> int:
    """Send the messages owed, each in its own transaction with its row claimed, so a crash
    or a second replica neither loses nor doubles one. Returns how many were sent."""
    async with sessions() as session:
        ids = list(
            (
                await session.scalars(
                    select(StaffMessage.id)
                    .where(StaffMessage.status == PENDING, StaffMessage.next_attempt_at <= now)
                    .order_by(StaffMessage.next_attempt_at)
                    .limit(limit)
                )
            ).all()
        )
    sent = 0
    for message_id in ids:
        try:
            async with transaction(sessions) as session:
                message = await session.scalar(
                    select(StaffMessage)
                    .where(StaffMessage.id == message_id, StaffMessage.status == PENDING)
                    .with_for_update(**skip_locked(session))
                )
                if message is None:
                    continue
                message.notification_id = await send(message)
                message.status = SENT
                message.sent_at = now
                message.attempts += 1
                if message.kind == RATING_CODE:
                    # Delivered: the code is kept only as its hash (complaint.RatingInvitation).
                    message.values = {}
                sent += 1
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - recorded and retried with backoff
            log.warning("supervision message %s not delivered: %s", message_id, exc)
            async with transaction(sessions) as session:
                message = await session.get(StaffMessage, message_id)
                if message is not None and message.status == PENDING:
                    message.attempts += 1
                    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                    message.next_attempt_at = now + backoff(message.attempts)
    return sent


class Watcher:
    """Raise warnings as they fall due, deliver what is owed; every `poll` seconds."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        send: Send,
        *,
        poll: float,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._sessions = sessions
        self._send = send
        self._poll = poll
        self._clock = clock

    async def tick(self) -> tuple[int, int]:
        async with transaction(self._sessions) as session:
            raised = await service.raise_due(session, now=self._clock())
        sent = await deliver_due(self._sessions, self._send, now=self._clock())
        return len(raised), sent

    async def run(self) -> None:
        while True:
            try:
                raised, sent = await self.tick()
                if raised or sent:
                    log.info("supervision: %d warnings raised, %d messages sent", raised, sent)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database or notify may be briefly away
                log.exception("supervision watch failed; retrying")
            await asyncio.sleep(self._poll)


def tasks(runtime) -> list[Callable[[], Awaitable[None]]]:  # type: ignore[no-untyped-def]
    """The consumer and the watcher, for the process's task list."""
    s = runtime.settings
    calendar = WorkCalendar(confirmed_years=s.confirmed_calendar_years)
    projection = consumer(
        runtime.nats, runtime.sessions, working_days=s.warning_working_days, calendar=calendar
    )
    watcher = Watcher(
        runtime.sessions,
        NotifySender(runtime, s.notify_grpc_target),
        poll=s.supervision_poll_seconds,
    )
    return [projection.run, watcher.run]
