"""Session fixtures for integration tests: PostgreSQL databases and the running platform.

Each fixture starts only when a test asks for it. Use `platform_pg` for behaviour (the
production database); `platform_sqlite` for what the embedded profile (`make run`) must do.
"""

from collections.abc import Iterator

import pytest
from harness import (
    SERVICES,
    PgServer,
    PgUnavailable,
    Platform,
    pg_databases,
    pg_server,
    running_platform,
    sqlite_urls,
)


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
