"""Every benchmark of the platform in one run (`make bench`), on a fresh platform: nats-server
and the five services as real processes on fresh PostgreSQL databases, loopback only, dropped
afterwards.

    .venv/bin/python -m bench.full [--cases 1000000] [--due 10000] [--small]

Order: the baselines on empty databases (one lifecycle run, the overdue list), then the
generator loads `--cases` cases (bench/datagen.py), then benchmarks 1 to 6 (the sweep last:
its defaults flow down through every tier). Prints each benchmark's figures as it finishes and
a Markdown table at the end. `--small` is the smoke run: tiny sizes, the same code paths.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench import datagen, hop, lifecycle, notify_latency, overdue, search, sweep
from bench.context import Context
from bench.stats import Figure, table


@dataclass(frozen=True)
class Sizes:
    cases: int
    lifecycle_s: float
    lifecycle_concurrency: int
    lifecycle_limit: int
    hop_calls: int
    notify_rate: float
    notify_s: float
    overdue_requests: int
    due: int
    search_s: float
    search_concurrency: int


FULL = Sizes(
    cases=1_000_000,
    lifecycle_s=60,
    lifecycle_concurrency=8,
    lifecycle_limit=100_000,
    hop_calls=300,
    notify_rate=200,
    notify_s=15,
    overdue_requests=200,
    due=10_000,
    search_s=20,
    search_concurrency=16,
)
SMALL = Sizes(
    cases=2_000,
    lifecycle_s=1,
    lifecycle_concurrency=1,
    lifecycle_limit=1,
    hop_calls=10,
    notify_rate=20,
    notify_s=1,
    overdue_requests=10,
    due=20,
    search_s=1,
    search_concurrency=4,
)


def _heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


async def benchmarks(ctx: Context, sizes: Sizes) -> list[Figure]:
    figures: list[Figure] = []

    def done(figure: Figure) -> None:
        figure.print()
        figures.append(figure)

    _heading("baselines on empty databases")
    base_life = await lifecycle.measure(
        ctx,
        seconds=sizes.lifecycle_s / 2,
        concurrency=sizes.lifecycle_concurrency,
        limit=sizes.lifecycle_limit,
    )
    base_overdue = await overdue.measure(ctx, requests=sizes.overdue_requests)
    print(f"lifecycles: {len(base_life[0])} in {base_life[1]:.1f} s; overdue list measured")

    _heading(f"loading {sizes.cases} cases")
    plan = datagen.Plan(
        sizes.cases, district=ctx.district, items=datagen.city_items(ctx.db("city-center"))
    )
    report = await asyncio.to_thread(
        datagen.load, ctx.platform.database_urls, ctx.platform.secrets, plan
    )
    datagen.print_report(report)
    ctx.loaded = sizes.cases

    _heading("1. full lifecycle")
    done(
        await lifecycle.run(
            ctx,
            seconds=sizes.lifecycle_s,
            concurrency=sizes.lifecycle_concurrency,
            limit=sizes.lifecycle_limit,
            baseline=base_life,
        )
    )
    _heading("2. escalation hop")
    done(await hop.run(ctx, calls=sizes.hop_calls))
    _heading("3. status change -> notification")
    done(await notify_latency.run(ctx, rate=sizes.notify_rate, seconds=sizes.notify_s))
    _heading("4. overdue list")
    done(await overdue.run(ctx, requests=sizes.overdue_requests, baseline=base_overdue))
    _heading("6. catalog search")
    done(await search.run(ctx, seconds=sizes.search_s, concurrency=sizes.search_concurrency))
    _heading("5. deadline sweep")
    done(await sweep.run(ctx, due=sizes.due))
    figures.sort(key=lambda f: f.name)
    rate = report.cases / max(report.seconds, 1e-3)
    figures.insert(
        0,
        Figure(
            name=f"0. load {report.cases} cases ({report.total_rows} rows)",
            median_ms=None,
            p99_ms=None,
            throughput=f"{rate:.0f} cases/s, {report.seconds:.0f} s",
            baseline="-",
            goal=f"1M cases in minutes (at this rate {1_000_000 / rate / 60:.1f} min)",
            met=None,
        ),
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, help=f"cases to load (default {FULL.cases})")
    parser.add_argument(
        "--due", type=int, help=f"clocks due at once in the sweep (default {FULL.due})"
    )
    parser.add_argument("--small", action="store_true", help="the smoke run's tiny sizes")
    args = parser.parse_args()
    sizes = SMALL if args.small else FULL
    if args.cases is not None:
        sizes = replace(sizes, cases=args.cases)
    if args.due is not None:
        sizes = replace(sizes, due=args.due)

    from harness import pg_databases, pg_server, running_platform

    started = time.perf_counter()
    with (
        pg_server() as server,
        pg_databases(server) as urls,
        tempfile.TemporaryDirectory(prefix="govnet-bench-") as workdir,
    ):
        print(f"starting the platform on fresh databases (logs in {workdir}/logs)", flush=True)
        with running_platform(Path(workdir), urls) as platform:
            print(f"platform ready after {time.perf_counter() - started:.0f} s", flush=True)
            figures = asyncio.run(benchmarks(Context(platform), sizes))
    _heading(f"all benchmarks, {time.perf_counter() - started:.0f} s in all")
    print(table(figures))


if __name__ == "__main__":
    main()
