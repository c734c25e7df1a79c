"""Profile one service while a benchmark drives it: the platform starts on fresh databases,
optionally loads cases, then the service is restarted under pyinstrument, the benchmark runs,
the service stops (SIGTERM: a clean exit, so the profile is written).

    .venv/bin/python -m bench.profile --service city-center --bench hop [--cases 20000]

Writes <service>-<bench>.txt and .html into --out (default var/profiles/) and prints the text.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
from pathlib import Path

from bench import datagen, hop, lifecycle, notify_latency, overdue, search, sweep
from bench.context import ROOT, Context
from tools.launcher import BIN


async def _drive(ctx: Context, bench: str, due: int) -> None:
    if bench == "hop":
        print((await hop.run(ctx, calls=30)).name)
    elif bench == "lifecycle":
        await lifecycle.measure(ctx, seconds=30, concurrency=4, limit=1000)
    elif bench == "notify":
        (await notify_latency.run(ctx, rate=50, seconds=5)).print()
    elif bench == "overdue":
        await overdue.measure(ctx, requests=100)
    elif bench == "search":
        (await search.run(ctx, seconds=10, concurrency=8)).print()
    elif bench == "sweep":
        (await sweep.run(ctx, due=due)).print()


async def _prepare(ctx: Context, cases: int) -> None:
    await lifecycle.measure(ctx, seconds=1, concurrency=1, limit=1)  # hop needs a real transfer
    if cases:
        plan = datagen.Plan(cases, items=datagen.city_items(ctx.db("city-center")))
        report = await asyncio.to_thread(
            datagen.load, ctx.platform.database_urls, ctx.platform.secrets, plan
        )
        ctx.loaded = cases
        datagen.print_report(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--service", default="city-center")
    parser.add_argument(
        "--bench",
        default="hop",
        choices=("hop", "lifecycle", "notify", "overdue", "search", "sweep"),
    )
    parser.add_argument("--due", type=int, default=500, help="clocks due at once (--bench sweep)")
    parser.add_argument("--cases", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "profiles")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from harness import pg_databases, pg_server, running_platform

    stem = args.out / f"{args.service}-{args.bench}"
    with (
        pg_server() as server,
        pg_databases(server) as urls,
        tempfile.TemporaryDirectory(prefix="govnet-profile-") as workdir,
        running_platform(Path(workdir), urls) as platform,
    ):
        ctx = Context(platform)
        asyncio.run(_prepare(ctx, args.cases))
        platform.stop_service(args.service)
        argv = [str(BIN / "pyinstrument"), "-r", "pyisession", "-o", f"{stem}.pyisession"]
        # The launcher's own spawn, with the service's environment, under the profiler.
        platform._procs[args.service] = platform._spawn(  # noqa: SLF001
            args.service, [*argv, str(BIN / args.service), "serve"], args.service
        )
        platform.wait_ready(120)
        asyncio.run(_drive(ctx, args.bench, args.due))
        # SIGTERM and a long wait: the profile is written only on a clean exit.
        proc = platform._procs.pop(args.service)  # noqa: SLF001
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(300)
    for renderer, ext in (("text", "txt"), ("html", "html")):
        subprocess.run(
            [
                str(BIN / "pyinstrument"),
                "--load",
                f"{stem}.pyisession",
                "-r",
                renderer,
                "-o",
                f"{stem}.{ext}",
            ],
            check=True,
        )
    print(Path(f"{stem}.txt").read_text())


if __name__ == "__main__":
    main()
