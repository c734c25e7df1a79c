"""The command line every service shares: `<service> migrate | serve | seed-demo`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from govnet_kit.migrate import upgrade
from govnet_kit.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def run_cli(
    *,
    prog: str,
    package_dir: Path,
    settings: Callable[[], S],
    serve: Callable[[S], Awaitable[None]],
    seed_demo: Callable[[S], Awaitable[None]] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=prog)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="wait for the database, then apply migrations")
    sub.add_parser("serve", help="serve HTTP and gRPC until SIGTERM")
    if seed_demo is not None:
        sub.add_parser("seed-demo", help="load the demo data (idempotent)")
    args = parser.parse_args()
    s = settings()
    if args.command == "migrate":
        upgrade(package_dir, s.database_url)
    elif args.command == "serve":
        asyncio.run(serve(s))
    elif args.command == "seed-demo" and seed_demo is not None:
        asyncio.run(seed_demo(s))
