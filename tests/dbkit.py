"""A fresh database per test (or module), on SQLite and on the local PostgreSQL (Unix socket).

On PostgreSQL, `CREATE DATABASE` plus the DDL of every table costs seconds a time (the server
checkpoints for each new database), so this run keeps a small pool of its own databases: a
database is created once, and each later user gets it with the tables of the metadata imported so
far created if missing and every table emptied and its sequences restarted: the same
empty schema, in a few milliseconds. Nested users (a test holding two at once) get two
databases. `drop_unit_databases` drops the pool at the end of the session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import Base, make_engine, make_sessionmaker

PG_HOST = os.environ.get("GOVNET_TEST_PG_HOST", "/var/run/postgresql")
PG_USER = os.environ.get("GOVNET_TEST_PG_USER", "root")

_RUN = uuid.uuid4().hex[:8]
_made: list[str] = []  # every database of this run's pool
_free: list[str] = []  # those not in use now


def _url(dbname: str) -> str:
    return f"postgresql+asyncpg://{PG_USER}@/{dbname}?host={PG_HOST}"


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host=PG_HOST, user=PG_USER, database="postgres", timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _take_pg_database() -> str:
    if _free:
        return _free.pop()
    dbname = f"govnet_unit_{_RUN}_{len(_made)}"
    try:
        await _admin(f'CREATE DATABASE "{dbname}"')
    except Exception as exc:  # no server, no socket, no role: skip, saying why
        pytest.skip(f"no PostgreSQL server on {PG_HOST} (run `make test` as root): {exc}")
    _made.append(dbname)
    return dbname


def drop_unit_databases() -> None:
    """Drop this run's pool (called once, at the end of the session)."""
    if not _made:
        return
    import psycopg

    with psycopg.connect(host=PG_HOST, user=PG_USER, dbname="postgres", autocommit=True) as conn:
        for dbname in _made:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    _made.clear()
    _free.clear()


async def _empty(conn) -> None:  # type: ignore[no-untyped-def]
    """Every row gone and every used sequence back at its start, as in a new database.

    DELETE, children first, rather than TRUNCATE: on tables this small it is ten times faster
    (TRUNCATE replaces each table's files).
    """
    for table in reversed(Base.metadata.sorted_tables):
        await conn.execute(table.delete())
    used = await conn.scalars(
        text(
            "SELECT schemaname || '.' || sequencename FROM pg_sequences WHERE last_value IS NOT NULL"
        )
    )
    for sequence in used.all():
        await conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


@asynccontextmanager
async def fresh_sessions(
    kind: str, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Every table of the metadata imported so far, on an empty database of `kind`."""
    dbname = None
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
    else:
        dbname = await _take_pg_database()
        url = _url(dbname)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            if dbname is not None:
                await _empty(conn)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
        if dbname is not None:
            _free.append(dbname)
