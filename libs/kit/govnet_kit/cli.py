"""The command line every service shares: `<service> migrate | serve | seed-demo`,
`audit verify`, and `dead-letters list|replay` for a service whose consumers keep a
dead-letter store.

Each command imports what it needs when it runs: `migrate` never loads the web app, `serve`
never loads Alembic, and `--help` loads neither.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from govnet_kit.consumer import DurableConsumer
    from govnet_kit.retention import CaseRetention
    from govnet_kit.settings import ServiceSettings

S = TypeVar("S", bound="ServiceSettings")


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
    `retention` names the service's cases for the expiry job (`retention run`).
    `settings`, `serve` and `seed_demo` are called only for their command, so a service
    passes functions that import its app or seed data inside them."""
    # At exit the interpreter's last garbage collection walks every object the imports made,
    # about 0.7 s of each migrate, seed-demo or serve, to free memory of a process that is
    # ending. Freezing them skips the walk; the exit handlers still run.
    atexit.register(gc.freeze)
    parser = argparse.ArgumentParser(prog=prog)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="wait for the database, then apply migrations")
    sub.add_parser("serve", help="serve HTTP and gRPC until SIGTERM")
    if seed_demo is not None:
        sub.add_parser("seed-demo", help="load the demo data (idempotent)")
    sub.add_parser("pii-rotate", help="re-encrypt personal data under the active PII_KEY")
    if dead_letter_consumers is not None:
        _add_dead_letter_commands(sub)
    if retention is not None:
        _add_retention_commands(sub)
    _add_audit_commands(sub)
    args = parser.parse_args()
    s = settings()
    from govnet_kit.pii import configure_from

    configure_from(s)  # every command may read or write encrypted columns
    if args.command == "migrate":
        from govnet_kit.migrate import upgrade

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
        from govnet_kit import audit_cli

        raise SystemExit(asyncio.run(audit_cli.run_command(s.database_url)))
    elif args.command == "dead-letters" and dead_letter_consumers is not None:
        from govnet_kit import dead_letters

        code = asyncio.run(
            dead_letters.run_command(
                args, s.database_url, lambda sessions: dead_letter_consumers(s, sessions)
            )
        )
        raise SystemExit(code)


# The parsers of the kit's operator commands live here, not beside their code: importing
# `govnet_kit.dead_letters` or `govnet_kit.retention` loads SQLAlchemy, NATS and telemetry.


def _add_dead_letter_commands(sub: Any) -> None:
    dead = sub.add_parser("dead-letters", help="status events the consumers gave up on")
    dead_sub = dead.add_subparsers(dest="action", required=True)
    listing = dead_sub.add_parser("list", help="the dead letters not yet replayed")
    listing.add_argument("--all", action="store_true", help="include replayed ones")
    again = dead_sub.add_parser("replay", help="hand one to its consumer again (idempotent)")
    again.add_argument("id")


def _add_retention_commands(sub: Any) -> None:
    parser = sub.add_parser("retention", help="remove or anonymise what is past its retention")
    inner = parser.add_subparsers(dest="retention_command", required=True)
    run_p = inner.add_parser("run", help="run the expiry job once and print what it did")
    run_p.add_argument("--now", help="the job's 'now' (ISO 8601, with a zone); default: now")


def _add_audit_commands(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the audit chain")
    commands = audit.add_subparsers(dest="audit_command", required=True)
    commands.add_parser("verify", help="verify the chain; name the first broken record")
