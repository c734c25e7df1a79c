"""notify's status consumer in-process: how many status changes per second it stores, one
transaction per event (as before batches) against one transaction per fetched batch.

No platform and no NATS: a fresh PostgreSQL database of notify's tables with `--cases` cases
loaded as the generator leaves them (two recipients, one event and its two notifications per
case), then rounds of `--changes` new events for cases not touched before, handed to the
`notify` consumer's own idempotent step (`DurableConsumer.process`, or `process_batch` for
`--batch` events at a time), alternating the modes. Prints changes/s and CPU ms per change.

    .venv/bin/python -m bench.notify_consume [--cases 20000] [--changes 500] [--batch 50]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import insert

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.cases import ts
from govnet_kit.consumer import DurableConsumer, Event
from govnet_kit.db import Base, make_engine, make_sessionmaker, new_id, transaction
from govnet_kit.messaging import NatsLink
from notify import models  # noqa: F401 - registers every table
from notify.notification import handlers
from notify.notification.models import CaseEvent, Notification, Recipient
from notify.notification.service import address_key

PG_SOCKET = "/var/run/postgresql"
SUBJECT = "govnet.case.status.city.341102101201"


def _case(i: int) -> str:
    return f"341102101201-20250609-{i:06d}"


async def _load(sessions, cases: int) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    for start in range(0, cases, 2000):
        numbers = [_case(i) for i in range(start, min(start + 2000, cases))]
        recipients, events, notes = [], [], []
        for n in numbers:
            event_id = new_id()
            events.append(
                {
                    "event_id": event_id,
                    "case_number": n,
                    "status": case_pb2.CASE_STATUS_ACCEPTED,
                    "tier": case_pb2.TIER_VILLAGE,
                    "place_code": "341102101201",
                    "result_document_number": "",
                    "deadline": None,
                    "occurred_at": now,
                }
            )
            for role, channel, address in (
                ("applicant", "sms", "13800000000"),
                ("agent", "in_app", "staff:0001"),
            ):
                recipients.append(
                    {
                        "id": new_id(),
                        "case_number": n,
                        "role": role,
                        "channel": channel,
                        "language": "zh",
                        "address": address,
                        "created_at": now,
                    }
                )
                notes.append(
                    {
                        "id": new_id(),
                        "event_id": event_id,
                        "case_number": n,
                        "role": role,
                        "channel": channel,
                        "language": "zh",
                        "address": address,
                        "address_hash": address_key(address),
                        "template": "status",
                        "template_version": 1,
                        "subject": None,
                        "text": "loaded",
                        "status": "delivered",
                        "attempts": 1,
                        "next_attempt_at": None,
                        "delivered_at": now,
                        "created_at": now,
                    }
                )
        async with transaction(sessions) as session:
            await session.execute(insert(Recipient.__table__), recipients)
            await session.execute(insert(CaseEvent.__table__), events)
            await session.execute(insert(Notification.__table__), notes)


def _events(first: int, n: int) -> list[Event]:
    out = []
    for i in range(first, first + n):
        event_id = str(uuid.uuid4())
        data = events_pb2.CaseStatusChanged(
            event_id=event_id,
            case_number=_case(i),
            tier=case_pb2.TIER_CITY,
            place_code="341100000000",
            status=case_pb2.CASE_STATUS_IN_REVIEW,
            occurred_at=ts(datetime.now(UTC)),
        ).SerializeToString()
        out.append(Event(subject=SUBJECT, event_id=event_id, data=data, headers={}))
    return out


async def _round(consumer: DurableConsumer, sessions, events: list[Event], batch: int) -> str:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    if batch <= 1:
        for event in events:
            async with transaction(sessions) as session:
                await consumer.process(session, event)
    else:
        for k in range(0, len(events), batch):
            async with transaction(sessions) as session:
                await consumer.process_batch(session, events[k : k + batch])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(events)
    mode = "one per transaction" if batch <= 1 else f"batches of {batch}"
    return (
        f"{mode}: {n} changes in {wall:.2f} s: {n / wall:.0f} changes/s, "
        f"{wall / n * 1000:.1f} ms and {cpu / n * 1000:.1f} ms CPU per change"
    )


async def _run(url: str, cases: int, changes: int, batch: int, rounds: int) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    sessions = make_sessionmaker(engine)
    await _load(sessions, cases)
    batched = hasattr(handlers, "handle_case_statuses") and batch > 1
    consumer = DurableConsumer(
        NatsLink("nats://127.0.0.1:1"),  # never connected: only its idempotent step is used
        sessions,
        durable="notify",
        stream="GOVNET_CASES",
        subjects=handlers.STATUS_SUBJECTS,
        handler=handlers.handle_case_status,
        **({"batch_handler": handlers.handle_case_statuses} if batched else {}),  # type: ignore[arg-type]
    )
    modes = [1, batch] if batched else [1]
    first = 0
    for _ in range(rounds):
        for size in modes:
            events = _events(first, changes)
            first += changes
            print(await _round(consumer, sessions, events, size), flush=True)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000, help="cases loaded first")
    parser.add_argument("--changes", type=int, default=500, help="events per round")
    parser.add_argument("--batch", type=int, default=50, help="events per batch transaction")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each mode, alternating")
    args = parser.parse_args()
    if args.changes * args.rounds * 2 > args.cases:
        parser.error("--cases must cover every round's changes (2 x rounds x changes)")
    name = f"notify_bench_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", "-h", PG_SOCKET, name], check=True)
    try:
        url = f"postgresql+asyncpg://root@/{name}?host={PG_SOCKET}"
        asyncio.run(_run(url, args.cases, args.changes, args.batch, args.rounds))
    finally:
        subprocess.run(["dropdb", "--force", "-h", PG_SOCKET, name], check=True)


if __name__ == "__main__":
    main()
