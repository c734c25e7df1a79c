"""Notify's fixtures: a database per test (SQLite file and PostgreSQL), a real SMTP server
(aiosmtpd) and a real nats-server, each on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from sqlalchemy import text

from govnet_kit.db import Base, make_engine, make_sessionmaker
from notify import models  # noqa: F401 - registers every table
from tests.notify.notifykit import Mailbox, Sessions, SmtpServer, free_port

PG_SOCKET = os.environ.get("GOVNET_TEST_PG_HOST", "/var/run/postgresql")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for the whole run, dropped afterwards."""
    name = f"notify_test_{uuid.uuid4().hex[:12]}"
    try:
        subprocess.run(["createdb", "-h", PG_SOCKET, name], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield f"postgresql+asyncpg://root@/{name}?host={PG_SOCKET}"
    subprocess.run(["dropdb", "--force", "-h", PG_SOCKET, name], check=True)


_schema_made: set[str] = set()


async def _fresh(url: str) -> Sessions:
    """Every table, empty: created once per database, then truncated (much faster than DDL)."""
    engine = make_engine(url)
    async with engine.begin() as conn:
        if url.startswith("sqlite") or url not in _schema_made:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
            _schema_made.add(url)
        else:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return make_sessionmaker(engine)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[Sessions]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'notify.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    made = await _fresh(url)
    yield made
    await made.kw["bind"].dispose()


@pytest_asyncio.fixture
async def pg_sessions(pg_url: str) -> AsyncIterator[Sessions]:
    """PostgreSQL only: for what only row locks can show (several workers at once)."""
    made = await _fresh(pg_url)
    yield made
    await made.kw["bind"].dispose()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", controller.port, mailbox)
    finally:
        controller.stop()


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    """A nats-server with JetStream of its own (the one `make` installs into the venv)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "nats-server"), "-js", "-sd", str(tmp_path / "js")]
        + ["-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
