"""The lifecycle across the real tiers (L2-L4): the city suspends a case for a supplement, the
village hands it in and the clock runs again; materials travel with the case; the reply is
handed over and the case closed; a withdrawal before the decision reaches every tier."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tools import journey

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def world(platform_pg):  # type: ignore[no-untyped-def]
    pw = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    urls = {s: platform_pg.http(s) for s in ("city-center", "town-hall", "village-room")}
    with httpx.Client(timeout=15.0) as client:
        who = {
            "staff": journey.sign_in(client, urls["village-room"], "village.duty", pw),
            "town": journey.sign_in(client, urls["town-hall"], "town.window", pw),
            "rep": journey.sign_in(client, urls["city-center"], "forestry.rep", pw),
        }
        journey.until(
            "the catalog at the village",
            lambda: (
                client.get(f"{urls['village-room']}/api/v1/guide/items/{journey.ITEM}").status_code
                == 200
            ),
            60.0,
        )
        yield client, urls, who


def _status(client, url: str, headers: dict[str, str], wanted: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    def probe() -> dict[str, Any] | None:
        resp = client.get(url, headers=headers)
        body = resp.json() if resp.status_code == 200 else {}
        return body if body.get("status") == wanted else None

    return journey.until(f"{url} to become {wanted}", probe, 60.0)


def _accepted_at_city(world) -> str:  # type: ignore[no-untyped-def]
    client, urls, who = world
    slip = journey.submit_complete(client, urls["village-room"], who["staff"])
    journey.wait_at_city(client, urls["city-center"], who["rep"], slip["case_number"], 60.0)
    return slip["case_number"]


def test_suspension_supplement_decision_and_hand_over(world):
    client, urls, who = world
    village, city = urls["village-room"], urls["city-center"]
    number = _accepted_at_city(world)
    before = client.get(f"{city}/api/v1/cases/{number}", headers=who["rep"]).json()

    resp = client.post(
        f"{city}/api/v1/cases/{number}/suspension",
        json={"material_codes": ["forest_right"], "note": "林权证复印件模糊，请提供清晰件"},
        headers=who["rep"],
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "CASE_STATUS_SUSPENDED"
    assert resp.json()["remaining_days"] is not None

    # The suspension comes down; the village learns what to supplement.
    def asked() -> dict[str, Any] | None:
        body = client.get(f"{village}/api/v1/cases/{number}", headers=who["staff"]).json()
        return body if body.get("supplement_request") else None

    case = journey.until("the supplement request at the village", asked, 60.0)
    assert case["status"] == "CASE_STATUS_SUSPENDED"
    assert case["supplement_request"]["material_codes"] == ["forest_right"]
    assert case["supplement_request"]["note"] == "林权证复印件模糊，请提供清晰件"

    # A supplement missing what was asked is refused, naming the field.
    wrong = client.post(
        f"{village}/api/v1/cases/{number}/supplement",
        json={"materials": [journey._material("id_card")]},
        headers=who["staff"],
    )
    assert wrong.status_code == 422 and "forest_right" in wrong.text
    clear_scan = base64.b64encode(b"%PDF-1.7 clear forest right certificate").decode()
    sent = client.post(
        f"{village}/api/v1/cases/{number}/supplement",
        json={
            "materials": [
                {
                    "code": "forest_right",
                    "filename": "forest_right_clear.pdf",
                    "content_type": "application/pdf",
                    "content_base64": clear_scan,
                }
            ]
        },
        headers=who["staff"],
    )
    assert sent.status_code == 202, sent.text

    resumed = _status(client, f"{city}/api/v1/cases/{number}", who["rep"], "CASE_STATUS_IN_REVIEW")
    assert resumed["remaining_days"] is None and resumed["supplement_request"] is None
    assert resumed["deadline"] >= before["deadline"]
    _status(client, f"{village}/api/v1/cases/{number}", who["staff"], "CASE_STATUS_TRANSMITTED")

    cred = client.post(
        f"{city}/api/v1/approval-credential",
        json={"department_code": "forestry"},
        headers=who["rep"],
    ).json()["approval_credential"]
    decided = client.post(
        f"{city}/api/v1/cases/{number}/decision",
        json={"outcome": "approve"},
        headers={**who["rep"], "X-Approval-Credential": cred},
    )
    assert decided.status_code == 200, decided.text
    ready = _status(
        client, f"{village}/api/v1/cases/{number}", who["staff"], "CASE_STATUS_REPLY_READY"
    )
    assert ready["reply"]["result_document_number"] == decided.json()["result_document_number"]

    fee = client.get(f"{village}/api/v1/cases/{number}/fee", headers=who["staff"]).json()
    if fee["status"] == "due":
        held = client.post(f"{village}/api/v1/cases/{number}/hand-over", headers=who["staff"])
        assert held.status_code == 409 and "fee" in held.text
        paid = client.post(
            f"{village}/api/v1/cases/{number}/fee/payments",
            json={"method": "cash"},
            headers=who["staff"],
        )
        assert paid.status_code == 201, paid.text
    handed = client.post(f"{village}/api/v1/cases/{number}/hand-over", headers=who["staff"])
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "CASE_STATUS_REPLIED"
    closed = client.post(f"{village}/api/v1/cases/{number}/close", headers=who["staff"])
    assert closed.json()["status"] == "CASE_STATUS_CLOSED"

    # The record shows every tier's steps, including the stop and restart of the clock.
    steps = client.get(f"{village}/api/v1/cases/{number}/record", headers=who["staff"]).json()
    seen = [(s["tier"], s["status"]) for s in steps]
    for step in [
        ("village", "accepted"),
        ("town", "received"),
        ("city", "suspended"),
        ("city", "in_review"),
        ("city", "approved"),
        ("village", "reply_ready"),
        ("village", "replied"),
        ("village", "closed"),
    ]:
        assert step in seen, (step, seen)
    assert seen.index(("city", "suspended")) < seen.index(("city", "approved"))


def test_withdrawal_before_the_decision_reaches_every_tier(world):
    client, urls, who = world
    village, town, city = urls["village-room"], urls["town-hall"], urls["city-center"]
    number = _accepted_at_city(world)
    asked = client.post(
        f"{village}/api/v1/cases/{number}/withdrawal",
        json={"reason": "申请人决定暂不采伐"},
        headers=who["staff"],
    )
    assert asked.status_code == 202, asked.text
    assert asked.json()["withdrawal_requested_at"]
    again = client.post(
        f"{village}/api/v1/cases/{number}/withdrawal", json={}, headers=who["staff"]
    )
    assert again.status_code == 409

    _status(client, f"{village}/api/v1/cases/{number}", who["staff"], "CASE_STATUS_WITHDRAWN")
    _status(client, f"{town}/api/v1/cases/{number}", who["town"], "CASE_STATUS_WITHDRAWN")
    _status(client, f"{city}/api/v1/cases/{number}", who["rep"], "CASE_STATUS_WITHDRAWN")

    cred = client.post(
        f"{city}/api/v1/approval-credential",
        json={"department_code": "forestry"},
        headers=who["rep"],
    ).json()["approval_credential"]
    late = client.post(
        f"{city}/api/v1/cases/{number}/decision",
        json={"outcome": "approve"},
        headers={**who["rep"], "X-Approval-Credential": cred},
    )
    assert late.status_code == 409
