"""A fresh database per test module, on SQLite and on the local PostgreSQL (Unix socket)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import Base, make_engine, make_sessionmaker

PG_HOST = os.environ.get("GOVNET_TEST_PG_HOST", "/var/run/postgresql")
PG_USER = os.environ.get("GOVNET_TEST_PG_USER", "root")


async def _run(*cmd: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {err.decode(errors='replace').strip()}")


@asynccontextmanager
async def fresh_sessions(
    kind: str, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Every table of the metadata imported so far, created on a new database, dropped after."""
    dbname = None
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
    else:
        if shutil.which("createdb") is None:
            pytest.skip("PostgreSQL client tools are not installed (run `make test` as root)")
        dbname = f"govnet_unit_{uuid.uuid4().hex[:12]}"
        try:
            await _run("createdb", "-h", PG_HOST, "-U", PG_USER, dbname)
        except RuntimeError as exc:
            pytest.skip(f"no PostgreSQL server on {PG_HOST}: {exc}")
        url = f"postgresql+asyncpg://{PG_USER}@/{dbname}?host={PG_HOST}"
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
        if dbname is not None:
            await _run("dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", dbname)
