"""The township decides its own item across the real tiers (T2, T4, L2-L4): a village applies as
agent for a township item; the case lands at the township's civil affairs window; the township
asks for a supplement, the village relays it and the case resumes; the township's representative
decides under a delegated approval credential of tier "town"; the decision comes down by its
event and its document reaches the village, which hands it over."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tools import journey

pytestmark = pytest.mark.e2e

ITEM = "MZ-0001"  # relocation and resettlement: the township decides (commitment)
MATERIALS = ("application", "household_register", "migrant_proof", "village_opinion")


def _material(code: str, text: str = "scan") -> dict[str, str]:
    return {
        "code": code,
        "filename": f"{code}.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(f"{text} of {code}".encode()).decode(),
    }


def _until_status(client, url: str, headers, wanted: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    def probe() -> dict[str, Any] | None:
        resp = client.get(url, headers=headers)
        body = resp.json() if resp.status_code == 200 else {}
        return body if body.get("status") == wanted else None

    return journey.until(f"{url} to become {wanted}", probe, 60.0)


def test_a_village_case_decided_at_the_township_reaches_the_village(platform_pg):
    pw = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    village, town = platform_pg.http("village-room"), platform_pg.http("town-hall")
    with httpx.Client(timeout=15.0) as client:
        staff = journey.sign_in(client, village, "village.duty", pw)
        civil = journey.sign_in(client, town, "town.civil", pw)
        journey.until(
            "the township item at the village",
            lambda: client.get(f"{village}/api/v1/guide/items/{ITEM}").status_code == 200,
            60.0,
        )
        resp = client.post(
            f"{village}/api/v1/applications",
            json={
                "place_code": journey.VILLAGE,
                "item_code": ITEM,
                "applicant": journey.APPLICANT,
                "materials": [_material(c) for c in MATERIALS],
            },
            headers=staff,
        )
        assert resp.status_code == 201, resp.text
        number = resp.json()["acceptance_slip"]["case_number"]

        # It lands at the township's civil affairs window, waiting for a decision.
        at_town = f"{town}/api/v1/cases/{number}"
        case = _until_status(client, at_town, civil, "CASE_STATUS_PENDING_DECISION")
        assert (case["handling"], case["window_code"]) == ("commitment", "civil_affairs")
        listed = client.get(f"{town}/api/v1/cases?window=civil_affairs", headers=civil).json()
        assert number in [c["case_number"] for c in listed]

        # The township asks for a supplement; the village learns what, and relays it.
        resp = client.post(
            f"{at_town}/suspension",
            json={"material_codes": ["migrant_proof"], "note": "受灾证明缺少盖章"},
            headers=civil,
        )
        assert resp.status_code == 200, resp.text
        assert resp.json()["status"] == "CASE_STATUS_SUSPENDED"

        def asked() -> dict[str, Any] | None:
            body = client.get(f"{village}/api/v1/cases/{number}", headers=staff).json()
            return body if body.get("supplement_request") else None

        assert journey.until("the supplement request at the village", asked, 60.0)[
            "supplement_request"
        ]["material_codes"] == ["migrant_proof"]
        resp = client.post(
            f"{village}/api/v1/cases/{number}/supplement",
            json={"materials": [_material("migrant_proof", "stamped scan")]},
            headers=staff,
        )
        assert resp.status_code == 202, resp.text
        _until_status(client, at_town, civil, "CASE_STATUS_IN_REVIEW")
        _until_status(client, f"{village}/api/v1/cases/{number}", staff, "CASE_STATUS_TRANSMITTED")

        # No credential, no decision; a refusal without its legal reason names the field.
        denied = client.post(f"{at_town}/decision", json={"outcome": "approve"}, headers=civil)
        assert denied.status_code == 403
        cred = client.post(
            f"{town}/api/v1/approval-credential",
            json={"department_code": "civil_affairs"},
            headers=civil,
        )
        assert cred.status_code == 200, cred.text
        with_cred = {**civil, "X-Approval-Credential": cred.json()["approval_credential"]}
        bad = client.post(f"{at_town}/decision", json={"outcome": "refuse"}, headers=with_cred)
        assert bad.status_code == 422 and bad.json()["field"] == "legal_reason"
        decided = client.post(f"{at_town}/decision", json={"outcome": "approve"}, headers=with_cred)
        assert decided.status_code == 200, decided.text
        document = decided.json()["result_document_number"]
        assert document.startswith("341102101000-CIVIL_AFFAIRS-")

        # The decision comes down; the village fetches the document and hands it over.
        reply_ready = _until_status(
            client, f"{village}/api/v1/cases/{number}", staff, "CASE_STATUS_REPLY_READY"
        )
        assert reply_ready["reply"]["result_document_number"] == document
        assert reply_ready["reply"]["decision"] == "CASE_STATUS_APPROVED"
        handed = client.post(f"{village}/api/v1/cases/{number}/hand-over", headers=staff)
        assert handed.status_code == 200, handed.text
        assert handed.json()["status"] == "CASE_STATUS_REPLIED"
        steps = client.get(f"{village}/api/v1/cases/{number}/record", headers=staff).json()
        assert ("town", "approved") in {(s["tier"], s["status"]) for s in steps}
