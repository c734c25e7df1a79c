"""The fault-injection suite's platform: the five services and nats-server as real processes on
real PostgreSQL, of its own (the scenarios kill and restart its processes), shared by a module.

notify runs with shorter limits than its defaults, so a scenario ends in seconds, not minutes:
a status event is dead-lettered at its 5th failed delivery (1 + 2 + 4 + 8 s of backoff) instead
of its 20th, and a send claimed by a killed process is taken over after 5 s instead of 60 s.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import PgServer, Platform, free_ports, pg_databases

from tests.faults.faultkit import READY, Tiers
from tools import devsecrets, journey

NOTIFY_FAST = {
    "NOTIFY_CONSUMER_MAX_DELIVER": "5",
    "NOTIFY_SMS_TIMEOUT_SECONDS": "2",
    "NOTIFY_SMTP_TIMEOUT_SECONDS": "2",
    "NOTIFY_SUBSCRIPTION_TIMEOUT_SECONDS": "2",
    "NOTIFY_DELIVERY_LEASE_SECONDS": "5",
    "NOTIFY_DELIVERY_POLL_SECONDS": "0.5",
    "NOTIFY_SUBSCRIPTION_ALLOW_HTTP": "true",
    "NOTIFY_SUBSCRIPTION_CALLBACK_HOSTS": '["127.0.0.1"]',
    "NOTIFY_SUBSCRIPTION_RETRY_BASE_SECONDS": "1",
    "NOTIFY_SUBSCRIPTION_RETRY_MAX_SECONDS": "4",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: kills and restarts processes of a real platform (tests/faults)"
    )


@pytest.fixture(scope="module")
def fault_platform(pg: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
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


@pytest.fixture(scope="module")
def tiers(fault_platform: Platform) -> Iterator[Tiers]:
    made = Tiers(fault_platform)
    journey.until(
        "the catalog at the village",
        lambda: (
            made.client.get(f"{made.village}/api/v1/guide/items/{journey.ITEM}").status_code == 200
        ),
        60,
    )
    yield made
    made.close()
