"""Session fixtures for integration tests: PostgreSQL databases and the running platform.

Each fixture starts only when a test asks for it. Use `platform_pg` for behaviour (the
production database); `platform_sqlite` for what the embedded profile (`make run`) must do;
`fault_platform` for a test that kills, stops or freezes processes (the fault suite and the
outbox test share it, so the shared `platform_pg` is never disturbed).
"""

import signal
from collections.abc import Iterator

import pytest
from harness import (
    SERVICES,
    PgServer,
    PgUnavailable,
    Platform,
    free_ports,
    pg_databases,
    pg_server,
    running_platform,
    sqlite_urls,
)

from tests.dbkit import drop_unit_databases
from tools import devsecrets


def pytest_configure(config: pytest.Config) -> None:
    # A run ended by SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the platforms it
    # started are stopped (fixture finalizers, and the launcher's atexit) instead of orphaned.
    signal.signal(signal.SIGTERM, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def _unit_databases() -> Iterator[None]:
    """The pool of PostgreSQL databases `dbkit.fresh_sessions` hands out, dropped at the end."""
    yield
    drop_unit_databases()


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    """The local server over its Unix socket, else a testcontainers one; skips if neither."""
    try:
        with pg_server() as server:
            yield server
    except PgUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def pg_urls(pg: PgServer) -> Iterator[dict[str, str]]:
    """service -> asyncpg URL of a fresh database, dropped at the end of the session."""
    with pg_databases(pg) as urls:
        yield urls


@pytest.fixture(scope="session")
def platform_pg(
    pg_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    workdir = tmp_path_factory.mktemp("platform-pg")
    # Every process writes its spans to a file, so a test can follow one trace across them.
    traces = {
        f"{s.upper().replace('-', '_')}_TRACE_FILE": str(workdir / f"{s}.spans.jsonl")
        for s in SERVICES
    }
    with running_platform(workdir, pg_urls, extra_env=traces) as platform:
        yield platform


@pytest.fixture(scope="session")
def platform_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    workdir = tmp_path_factory.mktemp("platform-sqlite")
    with running_platform(workdir, sqlite_urls(workdir)) as platform:
        yield platform


@pytest.fixture(scope="session")
def fault_platform(pg: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """Five processes and nats-server on their own PostgreSQL databases, for tests that break
    them; each such test leaves every process running again when it ends."""
    from tests.faults.faultkit import NOTIFY_FAST, READY

    workdir = tmp_path_factory.mktemp("platform-faults")
    with pg_databases(pg) as urls:
        platform = Platform(
            workdir,
            urls,
            free_ports(),
            devsecrets.generate(),
            environment="test",
            extra_env=NOTIFY_FAST,
        )
        try:
            platform.up(timeout=READY)  # a loaded machine starts five processes slowly
            yield platform
        finally:
            platform.stop()
