"""Alembic, run as a step before start (rule 14): waits for the database, then upgrades."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, pool
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


def upgrade(service_dir: Path, database_url: str) -> None:
    wait_for_database(database_url)
    # "heads": work on separate branches (features built in parallel) all applies.
    command.upgrade(alembic_config(service_dir, database_url), "heads")


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
