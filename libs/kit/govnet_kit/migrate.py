"""Alembic, run as a step before start (rule 14): waits for the database, then upgrades.

On PostgreSQL the upgrade holds a session-level advisory lock named after the service, so two
migrate steps that start together (an init container in each of several new pods, or two Jobs)
run one after the other: the second finds the schema at head and does nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, make_url, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from govnet_kit.db import make_engine, ping

log = logging.getLogger(__name__)


def alembic_config(service_dir: Path, database_url: str) -> Config:
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def wait_for_database(database_url: str, *, timeout: float = 60.0) -> None:
    async def _wait() -> None:
        engine = make_engine(database_url)
        deadline = time.monotonic() + timeout
        try:
            while not await ping(engine):
                if time.monotonic() > deadline:
                    raise SystemExit(f"database not reachable after {timeout:.0f}s")
                await asyncio.sleep(0.5)
        finally:
            await engine.dispose()

    asyncio.run(_wait())


def lock_key(service: str) -> int:
    """A stable signed 64-bit advisory lock key per service (pg_advisory_lock takes a bigint)."""
    digest = hashlib.sha256(f"govnet-migrate:{service}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _upgrade_locked(cfg: Config, database_url: str, service: str) -> None:
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    try:
        # Autocommit: the lock's connection must not sit idle in a transaction meanwhile.
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            key = lock_key(service)
            if not await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
                log.info("%s: another migration holds the lock; waiting for it", service)
                await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            try:
                # Alembic's env.py runs its own event loop: give it a thread of its own.
                await asyncio.to_thread(command.upgrade, cfg, "heads")
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        await engine.dispose()


def upgrade(service_dir: Path, database_url: str) -> None:
    wait_for_database(database_url)
    # "heads": work on separate branches (features built in parallel) all applies.
    cfg = alembic_config(service_dir, database_url)
    if make_url(database_url).get_backend_name() == "postgresql":
        asyncio.run(_upgrade_locked(cfg, database_url, service_dir.name))
    else:  # SQLite: one process per file (the embedded profile); no one to race with.
        command.upgrade(cfg, "heads")


def run_env(context, metadata: MetaData, default_url: str) -> None:  # type: ignore[no-untyped-def]
    """The body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url") or default_url

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())
