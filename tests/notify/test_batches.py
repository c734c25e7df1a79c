"""Status events in batches: what one fetch brings is stored in one transaction, each event
once, and a bad event falls back to one by one and is dead-lettered alone, as before batches."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.cases import ts
from govnet_kit.consumer import DurableConsumer, Event, ProcessedEvent
from govnet_kit.db import transaction
from govnet_kit.messaging import NatsLink, case_status_subject
from notify.dead_letter import service as dead_letter_service
from notify.dead_letter.models import DeadLetter
from notify.notification import service
from notify.notification.handlers import (
    STATUS_SUBJECTS,
    handle_case_status,
    handle_case_statuses,
)
from notify.notification.models import CaseEvent, Notification
from tests.notify.notifykit import Sessions, case_number, change, in_app, sms

STREAM = "GOVNET_CASES"
SUBJECT = case_status_subject("village", "341102101201")


def status_event(case: str, event_id: str | None = None) -> Event:
    event_id = event_id or str(uuid.uuid4())
    data = events_pb2.CaseStatusChanged(
        event_id=event_id,
        case_number=case,
        tier=case_pb2.TIER_VILLAGE,
        place_code="341102101201",
        status=case_pb2.CASE_STATUS_ACCEPTED,
        occurred_at=ts(datetime.now(UTC)),
    ).SerializeToString()
    return Event(subject=SUBJECT, event_id=event_id, data=data, headers={"Nats-Msg-Id": event_id})


async def register(sessions: Sessions, *cases: str) -> None:
    for case in cases:
        async with transaction(sessions) as session:
            await service.register_recipients(
                session=session,
                case_number=case,
                recipients=[sms("13800000000"), in_app("staff:0001")],
            )


async def told(sessions: Sessions) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Notification.case_number, Notification.event_id, Notification.role)
        )
        return sorted(tuple(r) for r in rows)  # type: ignore[misc]


def consumer_of(link: NatsLink, sessions: Sessions, batches: list[list[str]]) -> DurableConsumer:
    """notify's consumer as main.py builds it; `batches` records the events of each batch."""

    async def batch_handler(session, events: Sequence[Event]) -> None:  # type: ignore[no-untyped-def]
        batches.append([e.event_id for e in events])
        await handle_case_statuses(session, events)

    return DurableConsumer(
        link,
        sessions,
        durable="notify",
        stream=STREAM,
        subjects=STATUS_SUBJECTS,
        handler=handle_case_status,
        batch_handler=batch_handler,
        max_deliver=2,
        on_dead_letter=dead_letter_service.store,
        retry_delay=lambda n: 0.05 * n,
    )


async def test_a_batch_tells_each_recipient_of_each_event_once(sessions: Sessions):
    cases = [case_number(i) for i in range(1, 5)]
    await register(sessions, *cases[:3])  # the fourth registers later
    stored_before = change(cases[0])
    async with transaction(sessions) as session:
        await service.record_status_change(session=session, change=stored_before)
    base = datetime.now(UTC)
    batch = [change(c, occurred_at=base + timedelta(seconds=i)) for i, c in enumerate(cases)]
    batch += [batch[1], stored_before]  # again in the batch, and one stored before
    async with transaction(sessions) as session:
        assert await service.record_status_changes(session=session, changes=batch) == 6

    expected = {(stored_before.case_number, stored_before.event_id)} | {
        (c.case_number, c.event_id) for c in batch[:3]
    }
    assert await told(sessions) == sorted(
        (case, event, role) for case, event in expected for role in ("agent", "applicant")
    )
    await register(sessions, cases[3])  # its event was kept: told now
    assert len(await told(sessions)) == 10
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(CaseEvent)) == 5


async def test_the_consumers_batch_step_skips_events_it_processed(sessions: Sessions):
    case = case_number()
    await register(sessions, case)
    batches: list[list[str]] = []
    consumer = consumer_of(NatsLink("nats://127.0.0.1:1"), sessions, batches)
    first, second = status_event(case), status_event(case)
    async with transaction(sessions) as session:
        assert await consumer.process(session, first)  # one by one, before
    async with transaction(sessions) as session:
        fresh = await consumer.process_batch(session, [first, second, second])
    assert [e.event_id for e in fresh] == [second.event_id]
    assert batches == [[second.event_id]]
    async with transaction(sessions) as session:
        assert await consumer.process_batch(session, [first, second]) == []
    assert len(await told(sessions)) == 4
    async with sessions() as session:
        processed = set(await session.scalars(select(ProcessedEvent.event_id)))
    assert processed == {first.event_id, second.event_id}


async def test_batches_on_nats_store_the_good_ack_all_and_dead_letter_the_bad(
    sessions: Sessions, nats_url: str
):
    link = NatsLink(nats_url)
    await link.connect()  # creates the streams
    js = await link.ready()
    cases = [case_number(i) for i in range(1, 7)]
    await register(sessions, *cases)
    batches: list[list[str]] = []
    consumer = consumer_of(link, sessions, batches)

    async def publish(event: Event, msg_id: str | None = None) -> None:
        await js.publish(SUBJECT, event.data, headers={"Nats-Msg-Id": msg_id or event.event_id})

    # A handled event comes again under its id (a redelivery after a lost ack): skipped.
    handled = status_event(cases[0])
    async with transaction(sessions) as session:
        await consumer.process(session, handled)
    first = [status_event(c) for c in cases[1:4]]
    for event in [*first, handled]:
        await publish(event)
    # The same status event published twice (the outbox relay retried after the server's
    # duplicate window): the unique event id still tells nobody twice.
    again = str(uuid.uuid4())
    await publish(first[0], msg_id=again)

    async def until(done) -> None:  # type: ignore[no-untyped-def]
        async with asyncio.timeout(15):
            while not await done():  # noqa: ASYNC110 - the state is in the database
                await asyncio.sleep(0.05)

    async def pending() -> tuple[int, int]:
        info = await js.consumer_info(STREAM, "notify")
        return info.num_pending, info.num_ack_pending

    async def dead_letters() -> list[DeadLetter]:
        async with transaction(sessions) as session:
            return await dead_letter_service.list_dead_letters(session=session)

    running = asyncio.create_task(consumer.run())
    try:
        await until(lambda: _is(told(sessions), 8))
        await until(lambda: _equal(pending(), (0, 0)))
        # Then a batch with a message that does not parse among good ones.
        second = [status_event(c) for c in cases[4:6]]
        await publish(second[0])
        await js.publish(SUBJECT, b"\xff poison", headers={"Nats-Msg-Id": "poison-1"})
        await publish(second[1])
        await until(lambda: _is(dead_letters(), 1))
        await until(lambda: _equal(pending(), (0, 0)))
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    # The first fetch was one batch of the messages not processed before.
    assert [*(e.event_id for e in first), again] in batches
    expected = {
        (e.event_id, role) for e in [handled, *first, *second] for role in ("agent", "applicant")
    }
    assert {(event, role) for _, event, role in await told(sessions)} == expected
    assert len(await told(sessions)) == len(expected)  # nobody told twice
    [dead] = await dead_letters()
    assert dead.event_id == "poison-1" and "DecodeError" in dead.error
    assert dead.deliveries == 2
    await link.close()


async def _is(rows, n: int) -> bool:  # type: ignore[no-untyped-def]
    return len(await rows) >= n


async def _equal(value, expected) -> bool:  # type: ignore[no-untyped-def]
    return await value == expected


async def test_batches_sharing_cases_in_any_order_never_deadlock(pg_sessions: Sessions):
    cases = [case_number(i) for i in range(1, 21)]
    await register(pg_sessions, *cases)

    async def batch(order: list[str]) -> None:
        async with transaction(pg_sessions) as session:
            await service.record_status_changes(session=session, changes=[change(c) for c in order])
            await asyncio.sleep(0.01)  # hold the locks while the other batch asks for them

    for _ in range(5):
        await asyncio.gather(batch(cases), batch(cases[::-1]), batch(cases[5:] + cases[:5]))
    assert len(await told(pg_sessions)) == 5 * 3 * 20 * 2
