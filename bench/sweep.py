"""The deadline sweep at scale (benchmark 5): `due` open cases (loaded with the generator into
every tier, like any other) whose clocks all run out at the same instant, among every loaded
open clock, while the city center runs. Their deadlines are set in one transaction a few
seconds ahead (24:00 is when most deadlines fall); the city's own sweeper applies the timeout
default to each. Measured: how late each default is after the deadline, and how long until all
are applied. The defaults then flow down to every tier like any decision.

Baseline: a bare one-row commit on the same database, times `due`: the least that one
transaction per case would cost (the sweep commits up to 200 cases per transaction).

Alone, on a fresh platform (the figures of docs/performance.md's "Profile and fixes"):
    .venv/bin/python -m bench.sweep [--cases 20000] [--due 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import datagen, hop
from bench.context import Context
from bench.stats import Figure, median, p99

LEAD_S = 3.0
POLL_S = 0.1
RUN = 0x0BE4C5DE


def _open_clocks(ctx: Context) -> int:
    with datagen.connect(ctx.db("city-center")) as conn:
        return int(conn.execute("SELECT count(*) FROM case_timer").fetchone()[0])  # type: ignore[index]


async def run(ctx: Context, *, due: int, within: float = 120.0) -> Figure:
    plan = datagen.Plan(
        due,
        first=ctx.loaded,
        run=RUN,
        district=ctx.district,
        items=tuple(i for i in datagen.city_items(ctx.db("city-center")) if i[3]),
        due_at=datetime.now(UTC) + timedelta(days=1),
    )
    report = await asyncio.to_thread(
        datagen.load, ctx.platform.database_urls, ctx.platform.secrets, plan, progress=False
    )
    ctx.loaded += due
    open_clocks = _open_clocks(ctx)
    ids = [datagen.case_ids(i, RUN)[2] for i in range(plan.first, plan.first + due)]
    late: list[float] = []
    with datagen.connect(ctx.db("city-center")) as conn:
        at = datetime.now(UTC) + timedelta(seconds=LEAD_S)
        conn.execute("UPDATE city_case SET deadline = %s WHERE id = ANY(%s)", (at, ids))
        conn.execute("UPDATE case_timer SET due_at = %s WHERE case_id = ANY(%s)", (at, ids))
        conn.commit()
        conn.autocommit = True
        stop = time.monotonic() + LEAD_S + within
        # A default counts from the moment its clock is gone: the sweep stops it in the
        # transaction that stores the decision. Counting the clocks left is one range scan of
        # the index on due_at; asking for 10,000 decisions by id at every poll cost PostgreSQL
        # about 200 ms of CPU each time, taken from the sweep it measured.
        applied = 0
        while applied < due and time.monotonic() < stop:
            row = conn.execute("SELECT count(*) FROM case_timer WHERE due_at = %s", (at,))
            gone = due - int(row.fetchone()[0])  # type: ignore[index]
            late += [time.time() - at.timestamp()] * (gone - applied)
            applied = gone
            await asyncio.sleep(POLL_S)
        row = conn.execute(
            "SELECT count(*) FROM city_case_decision WHERE case_id = ANY(%s)", (ids,)
        )
        decided = int(row.fetchone()[0])  # type: ignore[index]
    commits = await hop._bare_commit(ctx, 200)
    span = late[-1] if late else float("inf")
    return Figure(
        name=f"5. deadline sweep, {due} due at once among {open_clocks} open clocks",
        median_ms=median(late) * 1000,
        p99_ms=p99(late) * 1000,
        throughput=(
            f"{len(late)} of {due} applied, the last {span:.1f} s after the deadline "
            f"({len(late) / max(span, 1e-3):.0f} defaults/s); first {late[0] * 1000 if late else 0:.0f} ms late"
        ),
        baseline=(
            f"bare commit median {median(commits) * 1000:.2f} ms: {due} of them one after "
            f"another take {median(commits) * due:.1f} s"
        ),
        goal="all applied within 2 s of the deadline; each default under 1 s late",
        met=decided == due and span <= 2.0,
        notes=[
            f"the {due} cases loaded in {report.seconds:.1f} s beforehand",
            f"a default counts when its clock is gone (polled every {POLL_S * 1000:.0f} ms); "
            f"{decided} of the {due} cases have their decision stored",
        ],
    )


async def _alone(ctx: Context, cases: int, due: int) -> Figure:
    if cases:
        plan = datagen.Plan(
            cases, district=ctx.district, items=datagen.city_items(ctx.db("city-center"))
        )
        report = await asyncio.to_thread(
            datagen.load, ctx.platform.database_urls, ctx.platform.secrets, plan
        )
        datagen.print_report(report)
        ctx.loaded = cases
    return await run(ctx, due=due)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000, help="cases loaded first")
    parser.add_argument("--due", type=int, default=2_000, help="clocks due at once")
    args = parser.parse_args()
    from harness import pg_databases, pg_server, running_platform

    with (
        pg_server() as server,
        pg_databases(server) as urls,
        tempfile.TemporaryDirectory(prefix="govnet-bench-") as workdir,
        running_platform(Path(workdir), urls) as platform,
    ):
        asyncio.run(_alone(Context(platform), args.cases, args.due)).print()


if __name__ == "__main__":
    main()
