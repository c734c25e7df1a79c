"""Two transactions in their worst interleaving, to show they cannot deadlock: one is held just
after it appended a given audit entry (its locks held) until the other waits on a lock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit import audit


async def waiting_on_a_lock(sessions: async_sessionmaker[AsyncSession]) -> int:
    """How many of the database's sessions wait on a lock now (PostgreSQL)."""
    async with sessions() as s:
        return int(
            await s.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            or 0
        )


async def interleaved(
    monkeypatch: pytest.MonkeyPatch,
    sessions: async_sessionmaker[AsyncSession],
    *,
    held_after: str,
    first: Callable[[], Awaitable[Any]],
    then: Callable[[], Awaitable[Any]],
) -> tuple[Any, Any]:
    """Run `first` until it has appended an audit entry of action `held_after`, start `then`,
    and let `first` go on once `then` waits on a lock (or after 5 s, or when it is done).
    Returns both results; raises what either raised. Bounded: 30 s in all."""
    appended, release = asyncio.Event(), asyncio.Event()
    append_many = audit.append_many

    async def holding(session, records):  # type: ignore[no-untyped-def]
        entries = await append_many(session, records)
        if any(r.action == held_after for r in records) and not appended.is_set():
            appended.set()
            await release.wait()
        return entries

    monkeypatch.setattr(audit, "append_many", holding)

    async def both() -> tuple[Any, Any]:
        one = asyncio.create_task(first())
        await asyncio.wait_for(appended.wait(), 10)
        two = asyncio.create_task(then())
        for _ in range(100):
            if two.done() or await waiting_on_a_lock(sessions):
                break
            await asyncio.sleep(0.05)
        release.set()
        return await one, await two

    try:
        return await asyncio.wait_for(both(), 30)
    finally:
        release.set()
