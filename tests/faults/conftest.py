"""The fault-injection suite: its scenarios kill and restart processes of `fault_platform`
(tests/conftest.py), a platform of their own beside the shared one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import Platform

from tests.faults.faultkit import Tiers
from tools import journey


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: kills and restarts processes of a real platform (tests/faults)"
    )


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
