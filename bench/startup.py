"""How long the platform takes to start, phase by phase, and to stop, as the test fixtures
start it (tests/harness.py: fresh secrets, free ports, environment "test"), and how long each
service's command line takes to print its help.

    .venv/bin/python -m bench.startup [--rounds 3] [--pg] [--no-help]

SQLite in a temporary folder by default; `--pg` uses fresh PostgreSQL databases, as
`platform_pg` does. Prints the median of the rounds per phase (and each round's figures).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.context import ROOT
from tools import devsecrets
from tools.launcher import BIN, SERVICES, Platform

PHASES = ("start_nats", "migrate_all", "start_services+wait_ready", "seed_all", "total", "stop")


@contextlib.contextmanager
def _databases(workdir: Path, pg: bool) -> Iterator[dict[str, str]]:
    from harness import pg_databases, pg_server, sqlite_urls  # tests/, on sys.path (bench.context)

    if not pg:
        yield sqlite_urls(workdir)
        return
    with pg_server() as server, pg_databases(server) as urls:
        yield urls


def _timed(figures: dict[str, float], name: str, step: Callable[[], None]) -> None:
    started = time.monotonic()
    step()
    figures[name] = time.monotonic() - started


def one_round(pg: bool) -> dict[str, float]:
    from harness import free_ports

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="govnet-startup-") as tmp:
        workdir = Path(tmp)
        with _databases(workdir, pg) as urls:
            platform = Platform(
                workdir, urls, free_ports(), devsecrets.generate(), environment="test"
            )
            started = time.monotonic()
            try:
                _timed(figures, "start_nats", platform.start_nats)
                _timed(figures, "migrate_all", platform.migrate_all)

                def start() -> None:
                    platform.start_services()
                    platform.wait_ready(240.0)

                _timed(figures, "start_services+wait_ready", start)
                _timed(figures, "seed_all", platform.seed_all)
                figures["total"] = time.monotonic() - started
            finally:
                _timed(figures, "stop", platform.stop)
    return figures


def help_seconds(service: str) -> float:
    started = time.monotonic()
    subprocess.run([str(BIN / service), "--help"], check=True, capture_output=True, cwd=ROOT)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--no-help", action="store_true", help="skip the `--help` timings")
    args = parser.parse_args()

    if not args.no_help:
        for service in SERVICES:
            runs = [help_seconds(service) for _ in range(args.rounds)]
            print(
                f"{service + ' --help':<24} median {statistics.median(runs):5.2f} s  "
                + " ".join(f"{r:.2f}" for r in runs),
                flush=True,
            )
    rounds = [one_round(args.pg) for _ in range(args.rounds)]
    print(f"\nplatform start-up on {'PostgreSQL' if args.pg else 'SQLite'}, {args.rounds} rounds")
    for phase in PHASES:
        runs = [r[phase] for r in rounds]
        print(
            f"{phase:<26} median {statistics.median(runs):5.1f} s  "
            + " ".join(f"{r:.1f}" for r in runs)
        )


if __name__ == "__main__":
    main()
