"""Status change -> notification stored (benchmark 3), at a steady `rate` of changes per second,
beside a bare NATS JetStream publish/consume at the same rate on the same server.

Each change is a thin CaseStatusChanged ("in review" at the city) for a loaded open case whose
recipients notify already keeps, published on the city's subject with `Nats-Msg-Id` exactly as
the city's outbox relay publishes it. Every consumer of the stream takes it (village record,
supervision, notify). Latency: from the publish to the `created_at` of the case's second
notification row (applicant and agent) in notify's database.

Alone, on a fresh platform (the figures of docs/performance.md's "notify in batches"):
    .venv/bin/python -m bench.notify_latency [--cases 10000] [--rate 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import nats
from google.protobuf.timestamp_pb2 import Timestamp

from bench import datagen
from bench.context import Context
from bench.stats import Figure, median, p99
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2


def _open_cases(ctx: Context, n: int) -> list[tuple]:  # type: ignore[type-arg]
    with datagen.connect(ctx.db("city-center")) as conn:
        return conn.execute(
            "SELECT case_number, item_code, item_version, origin_place_code, department_code, "
            "deadline FROM city_case WHERE status = %s AND case_number LIKE %s LIMIT %s",
            (case_pb2.CASE_STATUS_PENDING_DECISION, ctx.district + "%", n),
        ).fetchall()


def _event(row: tuple) -> events_pb2.CaseStatusChanged:  # type: ignore[type-arg]
    number, item, version, origin, dept, deadline = row
    due, now = Timestamp(), Timestamp()
    due.FromDatetime(deadline)
    now.FromDatetime(datetime.now(UTC))
    return events_pb2.CaseStatusChanged(
        event_id=str(uuid.uuid4()),
        case_number=number,
        item_code=item,
        item_version=version,
        tier=case_pb2.TIER_CITY,
        place_code=datagen.CITY,
        origin_place_code=origin,
        department_code=dept,
        status=case_pb2.CASE_STATUS_IN_REVIEW,
        deadline=due,
        occurred_at=now,
    )


async def _paced(rate: float, n: int, send) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for k in range(n):
        delay = start + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await send(k)


async def _bare(nats_url: str, rate: float, n: int) -> list[float]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    name = f"BENCH_{uuid.uuid4().hex[:8].upper()}"
    subject = f"bench.{name.lower()}"
    await js.add_stream(name=name, subjects=[subject])
    sent: dict[str, float] = {}
    late: list[float] = []
    done = asyncio.Event()

    async def on_message(msg) -> None:  # type: ignore[no-untyped-def]
        late.append(time.time() - sent[msg.data.decode()])
        await msg.ack()
        if len(late) >= n:
            done.set()

    sub = await js.subscribe(subject, cb=on_message, manual_ack=True)
    try:

        async def send(k: int) -> None:
            sent[str(k)] = time.time()
            await js.publish(subject, str(k).encode(), headers={"Nats-Msg-Id": f"{name}-{k}"})

        await _paced(rate, n, send)
        await asyncio.wait_for(done.wait(), 30)
    finally:
        await sub.unsubscribe()
        await js.delete_stream(name)
        await nc.drain()
    return late


async def _stored(ctx: Context, sent: dict[str, float], within: float) -> dict[str, float]:
    """event id -> seconds from publish to its last notification row, as they appear."""
    found: dict[str, float] = {}
    deadline = time.monotonic() + within
    with datagen.connect(ctx.db("notify")) as conn:
        conn.autocommit = True
        while len(found) < len(sent) and time.monotonic() < deadline:
            rows = conn.execute(
                "SELECT event_id, max(created_at) FROM notification WHERE event_id = ANY(%s) "
                "GROUP BY event_id HAVING count(*) >= 2",
                ([e for e in sent if e not in found],),
            ).fetchall()
            for event_id, created in rows:
                found[event_id] = created.timestamp() - sent[event_id]
            await asyncio.sleep(0.5)
    return found


async def run(ctx: Context, *, rate: float, seconds: float, within: float = 120.0) -> Figure:
    n = int(rate * seconds)
    cases = _open_cases(ctx, n)
    if len(cases) < n:
        raise RuntimeError(f"only {len(cases)} open loaded cases for {n} changes: load more")
    nc = await nats.connect(ctx.platform.nats_url)
    js = nc.jetstream()
    sent: dict[str, float] = {}

    async def send(k: int) -> None:
        event = _event(cases[k])
        sent[event.event_id] = time.time()
        subject = f"govnet.case.status.city.{event.origin_place_code}"
        await js.publish(
            subject, event.SerializeToString(), headers={"Nats-Msg-Id": event.event_id}
        )

    started = time.perf_counter()
    try:
        await _paced(rate, n, send)
    finally:
        await nc.drain()
    achieved = n / (time.perf_counter() - started)
    found = await _stored(ctx, sent, within=within)
    late = list(found.values())
    # Stored per second: the changes stored over the time from the first publish to the last
    # row, the rate notify kept up (the median grows with the queue, this does not).
    first = min(sent.values())
    span = max((sent[e] + s for e, s in found.items()), default=first) - first
    bare = await _bare(ctx.platform.nats_url, rate, n)
    return Figure(
        name=f"3. status change -> notification stored, {ctx.loaded} cases loaded",
        median_ms=median(late) * 1000,
        p99_ms=p99(late) * 1000,
        throughput=(
            f"{len(found)} of {n} changes stored ({2 * len(found)} notifications), "
            f"published at {achieved:.0f}/s"
        ),
        baseline=(
            f"bare JetStream publish -> consume at the same rate: median "
            f"{median(bare) * 1000:.1f} ms, p99 {p99(bare) * 1000:.1f} ms"
        ),
        goal=f"p99 <= 50 ms at {rate:.0f} changes/s",
        met=len(found) == n and p99(late) <= 0.050,
        notes=[
            f"{len(found)} stored in {span:.1f} s from the first publish: "
            f"{len(found) / max(span, 1e-3):.1f} changes/s"
        ],
    )


async def _alone(ctx: Context, cases: int, rate: float, seconds: float, within: float) -> Figure:
    plan = datagen.Plan(
        cases, district=ctx.district, items=datagen.city_items(ctx.db("city-center"))
    )
    report = await asyncio.to_thread(
        datagen.load, ctx.platform.database_urls, ctx.platform.secrets, plan
    )
    datagen.print_report(report)
    ctx.loaded = cases
    return await run(ctx, rate=rate, seconds=seconds, within=within)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000, help="cases loaded first")
    parser.add_argument("--rate", type=float, default=200.0, help="changes published per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long they are published")
    parser.add_argument("--within", type=float, default=120.0, help="how long to wait for rows")
    args = parser.parse_args()
    from harness import pg_databases, pg_server, running_platform

    with (
        pg_server() as server,
        pg_databases(server) as urls,
        tempfile.TemporaryDirectory(prefix="govnet-bench-") as workdir,
        running_platform(Path(workdir), urls) as platform,
    ):
        figure = asyncio.run(
            _alone(Context(platform), args.cases, args.rate, args.seconds, args.within)
        )
        figure.print()


if __name__ == "__main__":
    main()
