"""The walking skeleton's journey through the public APIs of a running platform.

`make demo` prints it; the end-to-end tests run it and assert on what it returns.
village: visit -> one-time notice -> acceptance slip -> transmit; town: escalate;
city: decide under a delegated approval credential; back down: reply; notify: notifications.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

VILLAGE = "341102101201"
ITEM = "LY-0001"
APPLICANT = {
    "name": "赵大山",
    "id_number": "341102198001011232",
    "phone": "13800000001",
    "language": "zh",
    "channel": "sms",
}


def _material(code: str) -> dict[str, str]:
    content = f"scan of {code}".encode()
    return {
        "code": code,
        "filename": f"{code}.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(content).decode(),
    }


@dataclass
class Journey:
    case_number: str = ""
    query_code: str = ""
    notice: dict[str, Any] = field(default_factory=dict)
    slip: dict[str, Any] = field(default_factory=dict)
    denied_without_credential: int = 0
    decision: dict[str, Any] = field(default_factory=dict)
    village_case: dict[str, Any] = field(default_factory=dict)
    town_case: dict[str, Any] = field(default_factory=dict)
    city_case: dict[str, Any] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)


def sign_in(client: httpx.Client, base: str, username: str, password: str) -> dict[str, str]:
    resp = client.post(f"{base}/api/v1/session", json={"username": username, "password": password})
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def until(what: str, probe: Callable[[], Any], timeout: float) -> Any:
    """Poll until probe returns something truthy; the journey crosses asynchronous hops."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.1)


ALL_MATERIALS = ("application", "id_card", "forest_right", "felling_design")


def submit_complete(client: httpx.Client, village: str, staff: dict[str, str]) -> dict[str, Any]:
    """A complete application as agent; returns the acceptance slip."""
    resp = client.post(
        f"{village}/api/v1/applications",
        json={
            "place_code": VILLAGE,
            "item_code": ITEM,
            "applicant": APPLICANT,
            "materials": [_material(c) for c in ALL_MATERIALS],
        },
        headers=staff,
    )
    resp.raise_for_status()
    return resp.json()["acceptance_slip"]


def wait_at_city(
    client: httpx.Client, city: str, rep: dict[str, str], case_number: str, timeout: float
) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        resp = client.get(f"{city}/api/v1/cases/{case_number}", headers=rep)
        return resp.json() if resp.status_code == 200 else None

    return until(f"case {case_number} at the city", probe, timeout)


def run(
    urls: dict[str, str],
    password: str,
    *,
    say: Callable[[str], None] = lambda _line: None,
    timeout: float = 30.0,
    expected_events: int = 8,
) -> Journey:
    """`urls` maps service name to its HTTP base URL."""
    village, town, city = urls["village-room"], urls["town-hall"], urls["city-center"]
    j = Journey()
    with httpx.Client(timeout=10.0) as client:
        staff = sign_in(client, village, "village.duty", password)
        say("village: duty staff signed in through identity")

        def replicated() -> bool:
            return client.get(f"{village}/api/v1/guide/items/{ITEM}").status_code == 200

        until("the catalog to reach the village", replicated, timeout)
        say(f"village: item {ITEM} present in the local catalog copy")

        visit = client.post(
            f"{village}/api/v1/visits",
            json={"place_code": VILLAGE, "topic": "申请林木采伐许可 / tree felling permit"},
            headers=staff,
        )
        visit.raise_for_status()
        visit_id = visit.json()["id"]
        say(f"village: visit registered ({visit_id})")

        first = client.post(
            f"{village}/api/v1/applications",
            json={
                "place_code": VILLAGE,
                "item_code": ITEM,
                "visit_id": visit_id,
                "applicant": APPLICANT,
                "materials": [_material("application"), _material("id_card")],
            },
            headers=staff,
        )
        first.raise_for_status()
        j.notice = first.json()["one_time_notice"]
        say("village: one-time notice: " + j.notice["text_zh"])

        second = client.post(
            f"{village}/api/v1/applications",
            json={
                "place_code": VILLAGE,
                "item_code": ITEM,
                "visit_id": visit_id,
                "applicant": APPLICANT,
                "materials": [
                    _material(c)
                    for c in ("application", "id_card", "forest_right", "felling_design")
                ],
            },
            headers=staff,
        )
        second.raise_for_status()
        j.slip = second.json()["acceptance_slip"]
        j.case_number, j.query_code = j.slip["case_number"], j.slip["query_code"]
        say(
            f"village: acceptance slip {j.case_number}, query code {j.query_code}, deadline {j.slip['deadline']}"
        )

        town_staff = sign_in(client, town, "town.window", password)

        def at_town() -> dict[str, Any] | None:
            resp = client.get(f"{town}/api/v1/cases/{j.case_number}", headers=town_staff)
            if resp.status_code == 200 and resp.json()["status"] == "CASE_STATUS_TRANSMITTED":
                return resp.json()
            return None

        until("the township to escalate the case", at_town, timeout)
        say("town: received from the village and escalated to the city")

        rep = sign_in(client, city, "forestry.rep", password)

        wait_at_city(client, city, rep, j.case_number, timeout)
        say("city: case waiting for the forestry bureau's decision")

        denied = client.post(
            f"{city}/api/v1/cases/{j.case_number}/decision",
            json={"outcome": "approve"},
            headers=rep,
        )
        j.denied_without_credential = denied.status_code
        say(f"city: deciding without an approval credential -> {denied.status_code}")

        cred = client.post(
            f"{city}/api/v1/approval-credential", json={"department_code": "forestry"}, headers=rep
        )
        cred.raise_for_status()
        credential = cred.json()["approval_credential"]
        say("city: delegated approval credential issued by identity")

        decided = client.post(
            f"{city}/api/v1/cases/{j.case_number}/decision",
            json={"outcome": "approve"},
            headers={**rep, "X-Approval-Credential": credential},
        )
        decided.raise_for_status()
        j.decision = decided.json()
        say(f"city: approved, result document {j.decision['result_document_number']}")

        def replied() -> dict[str, Any] | None:
            resp = client.get(f"{village}/api/v1/cases/{j.case_number}", headers=staff)
            body = resp.json()
            return body if body.get("status") == "CASE_STATUS_REPLY_READY" else None

        j.village_case = until("the reply to reach the village", replied, timeout)
        say(
            "village: reply ready to hand over: "
            + j.village_case["reply"]["result_document_number"]
        )

        def notified() -> list[dict[str, Any]] | None:
            resp = client.get(
                f"{village}/api/v1/cases/{j.case_number}/notifications", headers=staff
            )
            items = resp.json() if resp.status_code == 200 else []
            return items if len(items) >= 2 * expected_events else None

        j.notifications = until("every notification", notified, timeout)
        j.town_case = client.get(f"{town}/api/v1/cases/{j.case_number}", headers=town_staff).json()
        j.city_case = client.get(f"{city}/api/v1/cases/{j.case_number}", headers=rep).json()
        say(f"notify: {len(j.notifications)} notifications stored (applicant and agent)")
        say(
            f"final status: village {j.village_case['status']}, town {j.town_case['status']}, "
            f"city {j.city_case['status']}"
        )
    return j
