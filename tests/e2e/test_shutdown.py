"""SIGTERM during a request: the request completes, and what it started is not lost."""

from __future__ import annotations

import base64
import threading
import time

import httpx
import pytest

from tools import journey

pytestmark = pytest.mark.e2e


def test_sigterm_during_an_application_completes_it_and_the_case_still_travels(platform_pg):
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    village, town = platform_pg.http("village-room"), platform_pg.http("town-hall")
    client = httpx.Client(timeout=60.0)
    staff = journey.sign_in(client, village, "village.duty", password)
    journey.until(
        "the catalog at the village",
        lambda: client.get(f"{village}/api/v1/guide/items/{journey.ITEM}").status_code == 200,
        60,
    )
    # Large scans make the request take long enough to be in flight when the signal comes.
    scan = base64.b64encode(b"\x89PNG" + bytes(6 * 1024 * 1024)).decode()
    body = {
        "place_code": journey.VILLAGE,
        "item_code": journey.ITEM,
        "applicant": journey.APPLICANT,
        "materials": [
            {"code": c, "filename": f"{c}.png", "content_type": "image/png", "content_base64": scan}
            for c in journey.ALL_MATERIALS
        ],
    }
    result: dict[str, object] = {}

    def send() -> None:
        result["response"] = client.post(f"{village}/api/v1/applications", json=body, headers=staff)
        result["answered_at"] = time.monotonic()

    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.3)
    signalled_at = time.monotonic()
    exit_code = platform_pg.stop_service("village-room")  # SIGTERM, then waits for the exit
    sender.join(60)
    try:
        response = result["response"]
        assert isinstance(response, httpx.Response)
        assert result["answered_at"] > signalled_at  # the request was in flight at the signal
        assert response.status_code == 201, response.text[:500]
        assert exit_code == 0  # a clean, ordered shutdown
        case_number = response.json()["acceptance_slip"]["case_number"]
    finally:
        platform_pg.start_service("village-room", timeout=240.0)
    # The transmit queued in the same transaction survives the restart and reaches the township.
    town_staff = journey.sign_in(client, town, "town.window", password)
    journey.until(
        "the case at the township",
        lambda: (
            client.get(f"{town}/api/v1/cases/{case_number}", headers=town_staff).status_code == 200
        ),
        60,
    )
    staff = journey.sign_in(client, village, "village.duty", password)

    def transmitted() -> bool:
        status = client.get(f"{village}/api/v1/cases/{case_number}", headers=staff).json()["status"]
        return status in {"CASE_STATUS_TRANSMITTED", "CASE_STATUS_REPLY_READY"}

    journey.until("the village to record the transmission", transmitted, 60)
    client.close()
