"""`notify migrate | serve` (the kit's shared command line) plus the operator's commands:

    notify dead-letters list [--all]      status events the consumer gave up on
    notify dead-letters replay <id>       hand one to the consumer again (idempotent)
    notify alerts list [--all]            notifications given up on
    notify subscriptions failed           subscribers' deliveries given up on

`migrate` and `serve` are the kit's `run_cli`, which parses its own arguments; this parser
only adds the commands the kit does not have.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from notify.config import NotifySettings, get_settings

KIT_COMMANDS = ("migrate", "serve", "pii-rotate")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="notify")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="wait for the database, then apply migrations")
    sub.add_parser("serve", help="serve HTTP and gRPC until SIGTERM")
    sub.add_parser("pii-rotate", help="re-encrypt personal data under the active PII_KEY")
    dead = sub.add_parser("dead-letters", help="status events the consumer gave up on")
    dead_sub = dead.add_subparsers(dest="action", required=True)
    listing = dead_sub.add_parser("list", help="the dead letters not yet replayed")
    listing.add_argument("--all", action="store_true", help="include replayed ones")
    replay = dead_sub.add_parser("replay", help="hand one to its consumer again")
    replay.add_argument("id")
    alerts = sub.add_parser("alerts", help="notifications given up on")
    alerts_sub = alerts.add_subparsers(dest="action", required=True)
    alerts_list = alerts_sub.add_parser("list", help="the unresolved alerts")
    alerts_list.add_argument("--all", action="store_true", help="include resolved ones")
    subs = sub.add_parser("subscriptions", help="integration clients' event subscriptions")
    subs_sub = subs.add_subparsers(dest="action", required=True)
    subs_sub.add_parser("failed", help="deliveries given up on")
    return parser


def _line(*cells: object) -> str:
    return "  ".join(str(c) for c in cells)


# Imports are inside the commands: each pulls in only what it needs, so they start quickly.


async def list_dead_letters(settings: NotifySettings, *, include_replayed: bool) -> int:
    from govnet_kit.db import make_engine, make_sessionmaker, transaction
    from notify.dead_letter import service

    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            rows = await service.list_dead_letters(
                session=session, include_replayed=include_replayed
            )
    finally:
        await engine.dispose()
    for r in rows:
        state = f"replayed {r.replayed_at.isoformat()}" if r.replayed_at else "waiting"
        print(
            _line(
                r.id,
                r.dead_at.isoformat(),
                r.consumer,
                r.subject,
                r.event_id or "-",
                f"deliveries={r.deliveries}",
                state,
                r.error.splitlines()[0][:200] if r.error else "",
            )
        )
        if r.replay_error:
            print(f"    last replay failed: {r.replay_error.splitlines()[0][:200]}")
    print(f"{len(rows)} dead letter(s)")
    return 0


async def replay_dead_letter(settings: NotifySettings, dead_letter_id: str) -> int:
    from govnet_kit.db import make_engine, make_sessionmaker, transaction
    from govnet_kit.errors import DomainError
    from govnet_kit.messaging import NatsLink
    from notify.dead_letter import service
    from notify.main import status_consumer, subscription_consumer

    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    # The consumer only for its idempotent step: nothing connects to NATS.
    link = NatsLink(settings.nats_url)
    consumers = [
        status_consumer(link, sessions, settings),
        subscription_consumer(link, sessions, settings),
    ]
    try:
        try:
            async with transaction(sessions) as session:
                handled = await service.replay(
                    session=session,
                    dead_letter_id=dead_letter_id,
                    processes={c.durable: c.process for c in consumers},
                )
        except DomainError as exc:
            print(f"not replayed: {exc.message}", file=sys.stderr)
            return 1
        except Exception as exc:  # noqa: BLE001 - the handler failed again: say so and keep it
            error = f"{type(exc).__name__}: {exc}"
            async with transaction(sessions) as session:
                await service.record_replay_error(
                    session=session, dead_letter_id=dead_letter_id, error=error
                )
            print(f"replay failed, still a dead letter: {error}", file=sys.stderr)
            return 1
    finally:
        await engine.dispose()
    print(
        f"replayed {dead_letter_id}: "
        + ("handled" if handled else "already handled before; nothing done twice")
    )
    return 0


async def list_alerts(settings: NotifySettings, *, include_resolved: bool) -> int:
    from govnet_kit.db import make_engine, make_sessionmaker, transaction
    from notify.notification import delivery

    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            rows = await delivery.list_alerts(session=session, include_resolved=include_resolved)
    finally:
        await engine.dispose()
    for a in rows:
        print(
            _line(
                a.id,
                a.created_at.isoformat(),
                a.case_number,
                a.channel,
                a.reason,
                f"attempts={a.attempts}",
                f"notification={a.notification_id}",
                a.detail[:200],
            )
        )
    print(f"{len(rows)} alert(s)")
    return 0


async def list_failed_deliveries(settings: NotifySettings) -> int:
    from govnet_kit.db import make_engine, make_sessionmaker, transaction
    from notify.subscription import delivery

    engine = make_engine(settings.database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            rows = await delivery.failed_deliveries(session=session)
    finally:
        await engine.dispose()
    for d in rows:
        print(
            _line(
                d.id,
                d.last_attempt_at.isoformat() if d.last_attempt_at else "-",
                f"subscription={d.subscription_id}",
                f"event_seq={d.event_seq}",
                f"attempts={d.attempts}",
                (d.last_error or "")[:200],
            )
        )
    print(f"{len(rows)} failed delivery(ies)")
    return 0


async def _serve(settings: NotifySettings) -> None:
    from notify.main import serve

    await serve(settings)


def main() -> None:
    args = _parser().parse_args()
    if args.command in KIT_COMMANDS:
        from govnet_kit.cli import run_cli

        run_cli(
            prog="notify",
            package_dir=Path(__file__).parent,
            settings=get_settings,
            serve=_serve,
        )
        return
    settings = get_settings()
    from govnet_kit.pii import configure_from

    configure_from(settings)  # alerts and replays read encrypted addresses
    if args.command == "dead-letters" and args.action == "list":
        code = asyncio.run(list_dead_letters(settings, include_replayed=args.all))
    elif args.command == "dead-letters":
        code = asyncio.run(replay_dead_letter(settings, args.id))
    elif args.command == "subscriptions":
        code = asyncio.run(list_failed_deliveries(settings))
    else:
        code = asyncio.run(list_alerts(settings, include_resolved=args.all))
    sys.exit(code)


if __name__ == "__main__":
    main()
