"""The walking skeleton end to end: five services as real processes, a real nats-server, real
PostgreSQL (and once on SQLite, the embedded profile `make run` uses)."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

import nats
import pytest
from nats.js.api import DeliverPolicy

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from tools import journey

CASE_NUMBER = re.compile(r"^341102101201-\d{8}-\d{4}$")


def _urls(platform) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s: platform.http(s) for s in ("city-center", "town-hall", "village-room")}


def published_events(nats_url: str, case_number: str) -> list[events_pb2.CaseStatusChanged]:
    """Every status event JetStream holds for the case, read with an ephemeral consumer."""

    async def read() -> list[events_pb2.CaseStatusChanged]:
        nc = await nats.connect(nats_url)
        try:
            js = nc.jetstream()
            origin = case_number.split("-")[0]
            sub = await js.subscribe(
                f"govnet.case.status.*.{origin}",
                ordered_consumer=True,
                deliver_policy=DeliverPolicy.ALL,
            )
            out = []
            while True:
                try:
                    msg = await sub.next_msg(timeout=1.0)
                except TimeoutError:
                    break
                event = events_pb2.CaseStatusChanged.FromString(msg.data)
                if event.case_number == case_number:
                    out.append(event)
            await sub.unsubscribe()
            return out
        finally:
            await nc.close()

    return asyncio.run(read())


def check_journey(platform) -> journey.Journey:  # type: ignore[no-untyped-def]
    result = journey.run(_urls(platform), platform.secrets["IDENTITY_DEMO_PASSWORD"], timeout=60.0)

    # 1. one-time notice lists every missing material at once
    assert [m["code"] for m in result.notice["missing"]] == ["forest_right", "felling_design"]
    # 2. acceptance slip: case number by the village, query code, deadline
    assert CASE_NUMBER.match(result.case_number)
    assert len(result.query_code) == 8
    assert result.slip["time_limit_working_days"] == 10
    # 4. no decision without a delegated approval credential
    assert result.denied_without_credential == 403
    assert result.decision["status"] == "CASE_STATUS_APPROVED"
    assert result.decision["result_document_number"].startswith("FORESTRY-")
    # 5. the decision came back down; every tier shows its final status
    assert result.village_case["status"] == "CASE_STATUS_REPLY_READY"
    assert (
        result.village_case["reply"]["result_document_number"]
        == result.decision["result_document_number"]
    )
    assert result.town_case["status"] == "CASE_STATUS_APPROVED"
    assert result.town_case["result_document_number"] == result.decision["result_document_number"]
    assert result.city_case["status"] == "CASE_STATUS_APPROVED"
    return result


def check_notifications(platform, result: journey.Journey) -> None:  # type: ignore[no-untyped-def]
    events = published_events(platform.nats_url, result.case_number)
    event_ids = {e.event_id for e in events}
    # every tier reported each of its steps exactly once (the order across tiers may vary)
    assert Counter((e.tier, e.status) for e in events) == {
        (case_pb2.TIER_VILLAGE, case_pb2.CASE_STATUS_ACCEPTED): 1,
        (case_pb2.TIER_VILLAGE, case_pb2.CASE_STATUS_TRANSMITTED): 1,
        (case_pb2.TIER_TOWN, case_pb2.CASE_STATUS_RECEIVED): 1,
        (case_pb2.TIER_TOWN, case_pb2.CASE_STATUS_TRANSMITTED): 1,
        (case_pb2.TIER_CITY, case_pb2.CASE_STATUS_PENDING_DECISION): 1,
        # the decider took the case as they decided it (L3: they own it)
        (case_pb2.TIER_CITY, case_pb2.CASE_STATUS_IN_REVIEW): 1,
        (case_pb2.TIER_CITY, case_pb2.CASE_STATUS_APPROVED): 1,
        (case_pb2.TIER_VILLAGE, case_pb2.CASE_STATUS_REPLY_READY): 1,
    }
    per_recipient = Counter((n["event_id"], n["role"]) for n in result.notifications)
    # 6. exactly one notification per status change for the applicant and for the agent
    assert set(per_recipient.values()) == {1}
    assert {e for e, _ in per_recipient} == event_ids
    assert Counter(role for _, role in per_recipient) == {
        "applicant": len(events),
        "agent": len(events),
    }
    applicant_texts = [n["text"] for n in result.notifications if n["role"] == "applicant"]
    assert all(result.case_number in t for t in applicant_texts)
    assert all("赵大山" not in t and "13800000001" not in t for t in applicant_texts)


@pytest.mark.e2e
def test_journey_on_postgresql(platform_pg):
    result = check_journey(platform_pg)
    check_notifications(platform_pg, result)


@pytest.mark.e2e
def test_journey_on_sqlite_embedded_profile(platform_sqlite):
    result = check_journey(platform_sqlite)
    check_notifications(platform_sqlite, result)
