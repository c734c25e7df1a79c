"""One trace from the village's HTTP request, through the gRPC hops and NATS, to notify."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import httpx
import pytest

from tools import journey

pytestmark = pytest.mark.e2e


def spans_of(platform, trace_id: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for path in Path(platform.workdir).glob("*.spans.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            span = json.loads(line)
            if span["trace_id"] == trace_id:
                found.append(span)
    return found


def test_one_trace_from_the_village_request_to_notify(platform_pg):
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    village, city = platform_pg.http("village-room"), platform_pg.http("city-center")
    trace_id = secrets.token_hex(16)
    with httpx.Client(timeout=10.0) as client:
        staff = journey.sign_in(client, village, "village.duty", password)
        journey.until(
            "the catalog at the village",
            lambda: client.get(f"{village}/api/v1/guide/items/{journey.ITEM}").status_code == 200,
            60,
        )
        traced = {**staff, "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
        slip = journey.submit_complete(client, village, traced)
        rep = journey.sign_in(client, city, "forestry.rep", password)
        journey.wait_at_city(client, city, rep, slip["case_number"], 60)

    def reached_notify() -> list[dict[str, str]] | None:
        spans = spans_of(platform_pg, trace_id)
        return (
            spans
            if {"village-room", "town-hall", "city-center", "notify"}
            <= {s["service"] for s in spans}
            else None
        )

    spans = journey.until("the trace to reach every service", reached_notify, 30)
    by_service = {
        s["service"]: {x["name"] for x in spans if x["service"] == s["service"]} for s in spans
    }
    assert any("/api/v1/applications" in n for n in by_service["village-room"])  # HTTP in
    assert any("SubmitCase" in n for n in by_service["town-hall"])  # gRPC up, village -> town
    assert any("SubmitCase" in n for n in by_service["city-center"])  # gRPC up, town -> city
    assert any(
        n.startswith("consume govnet.case.status") for n in by_service["notify"]
    )  # NATS down
