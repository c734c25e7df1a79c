"""The kit's dead-letter store (town-hall and village-room consumers): one row per message however
often it comes back, listed until replayed, and a replay that runs the consumer's step once.

The whole path on a real nats-server and real processes is in tests/faults/ (the poison message).
"""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit import dead_letters
from govnet_kit.consumer import DurableConsumer, Event, FailedMessage
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict, NotFound
from govnet_kit.messaging import NatsLink
from tests.dbkit import fresh_sessions


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with fresh_sessions(request.param, tmp_path) as made:
        yield made


def failed(seq: int, event_id: str, *, deliveries: int = 20) -> FailedMessage:
    return FailedMessage(
        consumer="town-hall-cases",
        stream="GOVNET_CASES",
        stream_sequence=seq,
        deliveries=deliveries,
        event=Event(
            subject="govnet.case.status.city.341102101201",
            event_id=event_id,
            data=b"\xff payload",
            headers={"Nats-Msg-Id": event_id} if event_id else {},
        ),
        error="DecodeError: Error parsing message",
    )


async def test_store_list_and_replay_once(sessions):
    handled: list[str] = []
    broken = {"e-1"}

    async def handler(_session: AsyncSession, event: Event) -> None:
        if event.event_id in broken:
            raise RuntimeError("still broken")
        handled.append(event.event_id)

    consumer = DurableConsumer(
        NatsLink("nats://127.0.0.1:1"),  # never connected: only its idempotent step is used
        sessions,
        durable="town-hall-cases",
        stream="GOVNET_CASES",
        subjects=["govnet.case.status.city.>"],
        handler=handler,
        on_dead_letter=dead_letters.record,
    )
    processes = {consumer.durable: consumer.process}

    async with transaction(sessions) as s:
        await dead_letters.record(s, failed(7, "e-1"))
    async with transaction(sessions) as s:  # its term was lost: delivered and stored again
        await dead_letters.record(s, failed(7, "e-1", deliveries=21))
    async with transaction(sessions) as s:
        await dead_letters.record(s, failed(8, ""))
    async with transaction(sessions) as s:
        rows = await dead_letters.list_dead_letters(session=s)
    assert [(r.stream_sequence, r.deliveries) for r in rows] == [(7, 21), (8, 20)]
    first, no_id = rows

    # Still failing: the replay says so and the row stays.
    with pytest.raises(RuntimeError):
        async with transaction(sessions) as s:
            await dead_letters.replay(session=s, dead_letter_id=first.id, processes=processes)
    async with transaction(sessions) as s:
        await dead_letters.record_replay_error(
            session=s, dead_letter_id=first.id, error="RuntimeError: still broken"
        )
        assert len(await dead_letters.list_dead_letters(session=s)) == 2

    broken.clear()  # fixed
    async with transaction(sessions) as s:
        assert await dead_letters.replay(session=s, dead_letter_id=first.id, processes=processes)
    assert handled == ["e-1"]
    with pytest.raises(Conflict):  # replayed already
        async with transaction(sessions) as s:
            await dead_letters.replay(session=s, dead_letter_id=first.id, processes=processes)
    with pytest.raises(Conflict):  # without an event id it cannot be done once
        async with transaction(sessions) as s:
            await dead_letters.replay(session=s, dead_letter_id=no_id.id, processes=processes)
    with pytest.raises(NotFound):
        async with transaction(sessions) as s:
            await dead_letters.replay(session=s, dead_letter_id="nope", processes=processes)
    async with transaction(sessions) as s:
        waiting = await dead_letters.list_dead_letters(session=s)
        everything = await dead_letters.list_dead_letters(session=s, include_replayed=True)
    assert [r.id for r in waiting] == [no_id.id]
    assert {r.id for r in everything} == {first.id, no_id.id}
    assert handled == ["e-1"]  # nothing done twice
