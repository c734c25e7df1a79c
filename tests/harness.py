"""What the integration fixtures stand on: free ports, a PostgreSQL server, a started platform.

Everything listens on free ports, so the tests run beside `make run`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for `tools.*` (not a package; only the tests import it)

from tools import devsecrets  # noqa: E402
from tools.launcher import DEFAULT_PORTS, SERVICES, Platform  # noqa: E402

__all__ = [
    "Platform",
    "PgServer",
    "PgUnavailable",
    "free_port",
    "free_ports",
    "pg_databases",
    "pg_server",
    "running_platform",
    "sqlite_urls",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(names: Iterable[str] = DEFAULT_PORTS) -> dict[str, int]:
    """One free port per name; the sockets stay bound until all are picked, so none repeats."""
    with contextlib.ExitStack() as stack:
        socks = {}
        for name in names:
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            socks[name] = sock.getsockname()[1]
        return socks


# -- PostgreSQL --------------------------------------------------------------------------------


class PgUnavailable(RuntimeError):
    """Neither a local PostgreSQL nor a Docker engine: the PostgreSQL tests are skipped."""


@dataclass(frozen=True)
class PgServer:
    host: str  # a directory for a Unix socket, else a host name
    port: int
    user: str
    password: str | None = None

    def url(self, dbname: str) -> str:
        from sqlalchemy.engine import URL

        if self.host.startswith("/"):
            url = URL.create(
                "postgresql+asyncpg",
                username=self.user,
                password=self.password,
                port=self.port if self.port != 5432 else None,
                database=dbname,
                query={"host": self.host},
            )
        else:
            url = URL.create(
                "postgresql+asyncpg",
                username=self.user,
                password=self.password,
                host=self.host,
                port=self.port,
                database=dbname,
            )
        return url.render_as_string(hide_password=False)


def local_pg() -> PgServer | None:
    """The local server (GOVNET_TEST_PG_HOST/_PORT/_USER/_PASSWORD), if it answers."""
    import psycopg

    server = PgServer(
        host=os.environ.get("GOVNET_TEST_PG_HOST", "/var/run/postgresql"),
        port=int(os.environ.get("GOVNET_TEST_PG_PORT", "5432")),
        user=os.environ.get("GOVNET_TEST_PG_USER", "root"),
        password=os.environ.get("GOVNET_TEST_PG_PASSWORD"),
    )
    try:
        psycopg.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        return None
    return server


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:  # no package, no socket, no permission: all mean "no Docker"
        return False
    return True


@contextlib.contextmanager
def pg_server() -> Iterator[PgServer]:
    """The local PostgreSQL server, else a throwaway container; else PgUnavailable."""
    if (server := local_pg()) is not None:
        yield server
        return
    if not docker_available():
        host = os.environ.get("GOVNET_TEST_PG_HOST", "/var/run/postgresql")
        raise PgUnavailable(
            f"no PostgreSQL answers at {host} (set GOVNET_TEST_PG_HOST/_PORT/_USER) "
            "and no Docker engine is available for testcontainers"
        )
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:  # testcontainers before the community split
        from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver=None) as pg:
        yield PgServer(
            host=pg.get_container_host_ip(),
            port=int(pg.get_exposed_port(5432)),
            user=pg.username,
            password=pg.password,
        )


@contextlib.contextmanager
def pg_databases(server: PgServer, services: Iterable[str] = SERVICES) -> Iterator[dict[str, str]]:
    """A fresh database per service (unique names, dropped afterwards) -> asyncpg URLs."""
    from pytest_postgresql.janitor import DatabaseJanitor

    run = uuid.uuid4().hex[:8]
    urls = {}
    with contextlib.ExitStack() as stack:
        for service in services:
            dbname = f"govnet_test_{run}_{service.replace('-', '_')}"
            janitor = DatabaseJanitor(
                user=server.user,
                host=server.host,
                port=server.port,
                password=server.password,
                dbname=dbname,
                connection_timeout=10,
            )
            stack.enter_context(janitor)
            urls[service] = server.url(dbname)
        yield urls


# -- the platform ----------------------------------------------------------------------------


def sqlite_urls(workdir: Path, services: Iterable[str] = SERVICES) -> dict[str, str]:
    return {s: f"sqlite+aiosqlite:///{workdir / s}.db" for s in services}


@contextlib.contextmanager
def running_platform(
    workdir: Path,
    database_urls: Mapping[str, str],
    *,
    services: Iterable[str] = SERVICES,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Platform]:
    """Fresh secrets, free ports; migrated, started, ready and seeded; always stopped."""
    platform = Platform(
        workdir,
        database_urls,
        free_ports(),
        devsecrets.generate(),
        environment="test",
        services=services,
        extra_env=extra_env,
    )
    try:
        # Generous: a busy 2-core runner takes a while to import five services; a healthy
        # start is ready in seconds and never waits this long.
        platform.up(timeout=240.0)
        yield platform
    finally:
        platform.stop()
