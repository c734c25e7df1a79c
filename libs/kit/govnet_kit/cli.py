"""The command line every service shares: `<service> migrate | serve | seed-demo`,
`audit verify`, and `dead-letters list|replay` for a service whose consumers keep a
dead-letter store."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from govnet_kit import audit_cli
from govnet_kit.migrate import upgrade
from govnet_kit.pii import configure_from
from govnet_kit.settings import ServiceSettings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from govnet_kit.consumer import DurableConsumer
    from govnet_kit.retention import CaseRetention

S = TypeVar("S", bound=ServiceSettings)


def run_cli(
    *,
    prog: str,
    package_dir: Path,
    settings: Callable[[], S],
    serve: Callable[[S], Awaitable[None]],
    seed_demo: Callable[[S], Awaitable[None]] | None = None,
    dead_letter_consumers: Callable[
        [S, async_sessionmaker[AsyncSession]], Sequence[DurableConsumer]
    ]
    | None = None,
    retention: Callable[[], CaseRetention] | None = None,
) -> None:
    """`dead_letter_consumers` builds the service's consumers that store dead letters in
    `govnet_kit.dead_letters` (for replay); given, the `dead-letters` commands are added.
    `retention` names the service's cases for the expiry job (`retention run`)."""
    parser = argparse.ArgumentParser(prog=prog)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="wait for the database, then apply migrations")
    sub.add_parser("serve", help="serve HTTP and gRPC until SIGTERM")
    if seed_demo is not None:
        sub.add_parser("seed-demo", help="load the demo data (idempotent)")
    sub.add_parser("pii-rotate", help="re-encrypt personal data under the active PII_KEY")
    if dead_letter_consumers is not None:
        from govnet_kit import dead_letters

        dead_letters.add_commands(sub)
    if retention is not None:
        from govnet_kit import retention as retention_job

        retention_job.add_commands(sub)
    audit_cli.add_commands(sub)
    args = parser.parse_args()
    s = settings()
    configure_from(s)  # every command may read or write encrypted columns
    if args.command == "migrate":
        upgrade(package_dir, s.database_url)
    elif args.command == "serve":
        asyncio.run(serve(s))
    elif args.command == "seed-demo" and seed_demo is not None:
        asyncio.run(seed_demo(s))
    elif args.command == "pii-rotate":
        from govnet_kit.pii import rotate_command

        raise SystemExit(asyncio.run(rotate_command(s, package_dir.name)))
    elif args.command == "retention" and retention is not None:
        from govnet_kit import retention as retention_job

        raise SystemExit(asyncio.run(retention_job.run_command(args, s, retention())))  # type: ignore[arg-type]
    elif args.command == "audit":
        raise SystemExit(asyncio.run(audit_cli.run_command(s.database_url)))
    elif args.command == "dead-letters" and dead_letter_consumers is not None:
        from govnet_kit import dead_letters

        code = asyncio.run(
            dead_letters.run_command(
                args, s.database_url, lambda sessions: dead_letter_consumers(s, sessions)
            )
        )
        raise SystemExit(code)
