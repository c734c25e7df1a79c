"""`village-room outbox list [--place CODE] [--needs-fixing]`: the outbox as staff see it, for an
operator at the node (the same reasons as `GET /api/v1/outbox`)."""

from __future__ import annotations

import argparse
import asyncio

from govnet_kit.db import make_engine, make_sessionmaker, transaction
from village_room.outbox import service


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="village-room outbox")
    sub = p.add_subparsers(dest="action", required=True)
    listing = sub.add_parser("list", help="calls waiting to go up, and those needing fixing")
    listing.add_argument("--place", help="a village's 12-digit code (default: every place)")
    listing.add_argument("--needs-fixing", action="store_true", help="only refused calls")
    return p


async def _list(database_url: str, place: str | None, needs_fixing: bool) -> int:
    engine = make_engine(database_url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            items = await service.open_calls(session, place)
    finally:
        await engine.dispose()
    for i in items:
        if needs_fixing and i.state != service.NEEDS_FIXING:
            continue
        print(
            "  ".join(
                [
                    i.id,
                    i.state,
                    i.kind,
                    i.case_number,
                    f"attempts={i.attempts}",
                    i.reason,
                    i.reason_zh,
                ]
            )
        )
    return 0


def run(argv: list[str], database_url: str) -> int:
    args = parser().parse_args(argv)
    return asyncio.run(_list(database_url, args.place, args.needs_fixing))
