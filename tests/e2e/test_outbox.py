"""Decision 4, the village's outbox (T4): with its township down the village still accepts and
issues slips; the transmission waits, listed with its reason ("township unreachable, retry at
...") and retried with backoff, and is delivered once when the township is back. A transmission
the township refuses lands in "needs fixing", listed with the refusal, and is not retried until
staff requeue it (audited).

Five real processes and nats-server on real PostgreSQL: `fault_platform`, shared with the fault
suite (it stops and starts the township); the village's gRPC calls are real, nothing is mocked.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest
from harness import Platform

from tests.faults.faultkit import READY, Tiers, audit_counts, pg_query
from tools import journey
from tools.launcher import BIN

WAIT = 90.0


@pytest.fixture(scope="module")
def platform(fault_platform: Platform) -> Platform:
    return fault_platform


@pytest.fixture(scope="module")
def tiers(platform: Platform) -> Iterator[Tiers]:
    made = Tiers(platform)
    journey.until(
        "the catalog at the village",
        lambda: (
            made.client.get(f"{made.village}/api/v1/guide/items/{journey.ITEM}").status_code == 200
        ),
        60,
    )
    yield made
    made.close()


def outbox(tiers: Tiers) -> dict:
    r = tiers.client.get(
        f"{tiers.village}/api/v1/outbox",
        params={"place_code": journey.VILLAGE},
        headers=tiers.staff,
    )
    r.raise_for_status()
    return r.json()


def entry(tiers: Tiers, case_number: str, kind: str = "transmit") -> dict | None:
    box = outbox(tiers)
    for item in box["waiting"] + box["needs_fixing"]:
        if item["case_number"] == case_number and item["kind"] == kind:
            return item
    return None


def town_case(tiers: Tiers, case_number: str) -> dict | None:
    r = tiers.client.get(f"{tiers.town}/api/v1/cases/{case_number}", headers=tiers.town_staff)
    return r.json() if r.status_code == 200 else None


def test_township_down_then_back_and_a_refused_transmission(platform: Platform, tiers: Tiers):
    assert platform.stop_service("town-hall") == 0
    try:
        # The village accepts and issues slips while its township is away.
        slips = [journey.submit_complete(tiers.client, tiers.village, tiers.staff) for _ in "ab"]
        good, bad = (s["case_number"] for s in slips)
        assert all(s["case_number"] and s["deadline"] for s in slips)

        def waiting_unreachable() -> dict | None:
            item = entry(tiers, good)
            return item if item and item["attempts"] >= 2 else None

        item = journey.until("the transmission waiting, tried twice", waiting_unreachable, 30)
        assert item["state"] == "waiting"
        assert item["next_attempt_at"]
        assert item["reason"].startswith("Township unreachable, retry at "), item["reason"]
        assert item["reason_zh"].startswith("乡镇无法连接，将于 "), item["reason_zh"]
        # Backoff: the next attempt is later than now, and later than the acceptance.
        assert item["next_attempt_at"] > item["created_at"]

        # Craft a transfer the township will refuse: the case now names an item township
        # halls do not handle (JS-0001 is decided at the city with no township tier).
        ((version,),) = pg_query(
            platform,
            "village-room",
            "SELECT item_version FROM village_case WHERE case_number = %s",
            bad,
        )
        pg_query(
            platform,
            "village-room",
            "UPDATE village_case SET item_code = 'JS-0001', item_version = 1"
            " WHERE case_number = %s RETURNING case_number",
            bad,
        )
        # The operator at the node sees the same list.
        listed = subprocess.run(
            [str(BIN / "village-room"), "outbox", "list", "--place", journey.VILLAGE],
            env={**os.environ, **platform.env_for("village-room")},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        platform.start_service("town-hall", READY)
    tiers.sign_in()

    # Back: the good case arrives once at the township, and leaves the outbox.
    journey.until(f"{good} at the township", lambda: town_case(tiers, good), WAIT)
    journey.until(f"{good} off the outbox", lambda: entry(tiers, good) is None, WAIT)
    assert tiers.village_case(good)["status"] != "CASE_STATUS_ACCEPTED"

    # The refused one lands in needs fixing, with the refusal in both languages.
    def needs_fixing() -> dict | None:
        item = entry(tiers, bad)
        return item if item and item["state"] == "needs_fixing" else None

    refused = journey.until(f"{bad} in needs fixing", needs_fixing, WAIT)
    assert refused["field"] == "transfer.item_code"
    assert "not accepted at township halls" in refused["message"]
    assert refused["message_zh"]
    assert refused["next_attempt_at"] is None
    assert refused["reason"].startswith("refused by the township (transfer.item_code): ")
    assert refused["reason_zh"].startswith("乡镇退回")
    assert refused in outbox(tiers)["needs_fixing"]
    # Not retried: the attempts stay as they are, and the township never got it.
    time.sleep(5.0)
    assert entry(tiers, bad)["attempts"] == refused["attempts"]
    assert town_case(tiers, bad) is None
    assert tiers.village_case(bad)["status"] == "CASE_STATUS_ACCEPTED"

    # Only the place's own village staff may requeue it.
    assert (
        tiers.client.post(
            f"{tiers.village}/api/v1/outbox/{refused['id']}/retry",
            headers=journey.sign_in(tiers.client, tiers.town, "town.window", tiers.password),
        ).status_code
        == 403
    )

    # Fixed (the item it was accepted for), requeued by staff: delivered once, and audited.
    pg_query(
        platform,
        "village-room",
        "UPDATE village_case SET item_code = %s, item_version = %s WHERE case_number = %s"
        " RETURNING case_number",
        journey.ITEM,
        version,
        bad,
    )
    r = tiers.client.post(
        f"{tiers.village}/api/v1/outbox/{refused['id']}/retry", headers=tiers.staff
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "waiting"
    journey.until(f"{bad} at the township", lambda: town_case(tiers, bad), WAIT)
    journey.until(f"{bad} off the outbox", lambda: entry(tiers, bad) is None, WAIT)
    # Delivered, it is no longer in the outbox: nothing to requeue.
    again = tiers.client.post(
        f"{tiers.village}/api/v1/outbox/{refused['id']}/retry", headers=tiers.staff
    )
    assert again.status_code == 404
    assert audit_counts(platform, "village-room", "outbox.requeued", [bad]) == {bad: 1}
    assert audit_counts(platform, "town-hall", "case.received", [good, bad]) == {good: 1, bad: 1}

    assert listed.returncode == 0, listed.stderr[-2000:]
    assert good in listed.stdout and "Township unreachable, retry at" in listed.stdout
