"""Dead letters on a real nats-server: a status event that keeps failing is stored, never lost,
while the rest flows; an operator lists and replays it with `notify dead-letters`."""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.js.api import AckPolicy, ConsumerConfig
from sqlalchemy import select

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.cases import ts
from govnet_kit.consumer import DurableConsumer, Event, FailedMessage, ProcessedEvent
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict
from govnet_kit.messaging import NatsLink, case_status_subject
from notify import cli as notify_cli
from notify.dead_letter import service as dead_letter_service
from notify.dead_letter.models import DeadLetter
from notify.notification.handlers import STATUS_SUBJECTS, handle_case_status
from notify.notification.models import CaseEvent
from tests.notify.notifykit import Sessions, case_number

STREAM = "GOVNET_CASES"


def status_event(case: str) -> tuple[str, bytes]:
    event_id = str(uuid.uuid4())
    return event_id, events_pb2.CaseStatusChanged(
        event_id=event_id,
        case_number=case,
        tier=case_pb2.TIER_VILLAGE,
        place_code="341102101201",
        status=case_pb2.CASE_STATUS_ACCEPTED,
        occurred_at=ts(datetime.now(UTC)),
    ).SerializeToString()


async def test_a_failing_event_goes_to_the_dead_letter_store_and_the_rest_flows(
    nats_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from tests.notify.conftest import _fresh

    db = f"sqlite+aiosqlite:///{tmp_path / 'notify.db'}"
    sessions: Sessions = await _fresh(db)
    link = NatsLink(nats_url)
    await link.connect()  # creates the streams
    js = await link.ready()
    # The durable as it was before dead letters: JetStream itself gave up after 20 deliveries.
    await js.add_consumer(
        STREAM,
        ConsumerConfig(
            durable_name="notify",
            ack_policy=AckPolicy.EXPLICIT,
            max_deliver=20,
            filter_subjects=STATUS_SUBJECTS,
        ),
    )

    subject = case_status_subject("village", "341102101201")
    good_before, good_after, broken = (status_event(case_number(i)) for i in (1, 2, 3))
    failing = {broken[0]}  # fails for now (say, a bug), until the operator replays it

    async def handler(session, event: Event) -> None:  # type: ignore[no-untyped-def]
        if event.event_id in failing:
            raise RuntimeError("cannot handle this one yet")
        await handle_case_status(session, event)

    await js.publish(subject, good_before[1], headers={"Nats-Msg-Id": good_before[0]})
    await js.publish(subject, b"\xff poison", headers={"Nats-Msg-Id": "poison-1"})
    await js.publish(subject, broken[1], headers={"Nats-Msg-Id": broken[0]})
    await js.publish(subject, b"no id")  # no Nats-Msg-Id: cannot be handled idempotently
    await js.publish(subject, good_after[1], headers={"Nats-Msg-Id": good_after[0]})

    consumer = DurableConsumer(
        link,
        sessions,
        durable="notify",
        stream=STREAM,
        subjects=STATUS_SUBJECTS,
        handler=handler,
        max_deliver=3,
        on_dead_letter=dead_letter_service.store,
        retry_delay=lambda n: 0.05 * n,
    )

    async def dead_letters() -> list[DeadLetter]:
        async with transaction(sessions) as session:
            return await dead_letter_service.list_dead_letters(session=session)

    running = asyncio.create_task(consumer.run())
    try:
        async with asyncio.timeout(15):
            while len(await dead_letters()) < 3:  # noqa: ASYNC110 - the state is in the database
                await asyncio.sleep(0.05)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    stored = {d.event_id: d for d in await dead_letters()}
    assert set(stored) == {"poison-1", broken[0], ""}
    assert stored["poison-1"].deliveries == 3 and "DecodeError" in stored["poison-1"].error
    assert stored[broken[0]].deliveries == 3 and stored[broken[0]].data == broken[1]
    assert stored[""].deliveries == 1 and "Nats-Msg-Id" in stored[""].error
    async with sessions() as session:
        handled = set(await session.scalars(select(CaseEvent.case_number)))
    assert handled == {case_number(1), case_number(2)}  # the rest flowed

    # Nothing is left with the server, and the old durable lost its server-side limit.
    info = await js.consumer_info(STREAM, "notify")
    assert (info.num_pending, info.num_ack_pending) == (0, 0)
    assert info.config.max_deliver == -1
    await link.close()

    # The operator's commands (`notify dead-letters ...`) against the same database. They run
    # in this process: a new one would spend seconds compiling its imports (no bytecode cache).
    async def cli(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "argv", ["notify", "dead-letters", *args])
            mp.setenv("NOTIFY_DATABASE_URL", db)
            notify_cli.get_settings.cache_clear()
            with pytest.raises(SystemExit) as exited:
                await asyncio.to_thread(notify_cli.main)
            notify_cli.get_settings.cache_clear()
        out = capsys.readouterr()
        return int(exited.value.code or 0), out.out, out.err

    code, out, err = await cli("list")
    assert code == 0, err
    assert "3 dead letter(s)" in out and stored["poison-1"].id in out

    # The bug is fixed: the replay runs notify's own handler, once.
    code, out, err = await cli("replay", stored[broken[0]].id)
    assert code == 0, err
    assert "handled" in out
    async with sessions() as session:
        assert await session.get(CaseEvent, broken[0]) is not None
        assert await session.get(ProcessedEvent, ("notify", broken[0])) is not None

    code, _, err = await cli("replay", stored["poison-1"].id)
    assert code == 1 and "still a dead letter" in err
    async with transaction(sessions) as session:
        left = await dead_letter_service.list_dead_letters(session=session)
        assert {d.event_id for d in left} == {"poison-1", ""}
        assert "DecodeError" in (left[0].replay_error or left[1].replay_error or "")
    await sessions.kw["bind"].dispose()


async def test_a_replay_of_an_event_handled_meanwhile_tells_nobody_twice(sessions: Sessions):
    event_id, payload = status_event(case_number())
    event = Event(
        subject="govnet.case.status.village.x", event_id=event_id, data=payload, headers={}
    )
    consumer = DurableConsumer(
        NatsLink("nats://127.0.0.1:1"),
        sessions,
        durable="notify",
        stream=STREAM,
        subjects=STATUS_SUBJECTS,
        handler=handle_case_status,
        on_dead_letter=dead_letter_service.store,
    )
    async with transaction(sessions) as session:
        failed = FailedMessage("notify", STREAM, 7, 20, event, "boom")
        await dead_letter_service.store(session, failed)
        await dead_letter_service.store(session, failed)  # its term was lost: came back
    async with transaction(sessions) as session:
        [row] = await dead_letter_service.list_dead_letters(session=session)
        assert await consumer.process(session, event)  # a redelivery got through meanwhile
    async with transaction(sessions) as session:
        handled = await dead_letter_service.replay(
            session=session, dead_letter_id=row.id, processes={"notify": consumer.process}
        )
    assert handled is False
    async with transaction(sessions) as session:
        assert await dead_letter_service.list_dead_letters(session=session) == []
        with pytest.raises(Conflict, match="was replayed"):
            await dead_letter_service.replay(
                session=session, dead_letter_id=row.id, processes={"notify": consumer.process}
            )
