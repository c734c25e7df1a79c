"""`<service> audit verify`: walk this service's audit chain (decision 7) and name the first
broken record. Each service verifies its own chain, on its own database."""

from __future__ import annotations

import sys
from typing import TextIO

from sqlalchemy import select

from govnet_kit.audit import AuditEntry, verify
from govnet_kit.db import make_engine, make_sessionmaker


async def run_command(database_url: str, *, out: TextIO = sys.stdout) -> int:
    """0 if the chain holds, 1 (after printing the first broken record) if not."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            report = await verify(session)
            if report.ok:
                print(f"audit chain ok: {report.entries} entries", file=out)
                return 0
            entry = await session.scalar(
                select(AuditEntry).where(AuditEntry.seq == report.first_bad_seq)
            )
    finally:
        await engine.dispose()
    print(f"audit chain BROKEN at entry {report.first_bad_seq}: {report.reason}", file=out)
    if entry is not None:
        print(
            f"  seq={entry.seq} id={entry.id} at={entry.at.isoformat()} actor={entry.actor} "
            f"action={entry.action} case_number={entry.case_number or '-'}",
            file=out,
        )
    return 1
