"""Steps the browser tests share: sign in on the page, and the city's decision over its API."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tools import journey

# The duty PC of a village: an old desktop; the applicant's phone: 360 px wide.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
CASE_NUMBER = re.compile(r"^341102101201-\d{8}-\d{4}$")


def urls(platform) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s: platform.http(s) for s in ("city-center", "town-hall", "village-room")}


def password(platform) -> str:  # type: ignore[no-untyped-def]
    return platform.secrets["IDENTITY_DEMO_PASSWORD"]


def catalog_at_village(platform) -> None:  # type: ignore[no-untyped-def]
    village = platform.http("village-room")
    with httpx.Client(timeout=10.0) as client:
        journey.until(
            "the catalog to reach the village",
            lambda: client.get(f"{village}/api/v1/guide/items/{journey.ITEM}").status_code == 200,
            60.0,
        )


def sign_in(page, base: str, secret: str, username: str = "village.duty") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/duty")
    assert "/duty/sign-in" in page.url  # a staff page sends a signed-out visitor to sign in
    page.fill("#f-username", username)
    page.fill("#f-password", secret)
    page.click("#sign-in button[type=submit]")
    page.wait_for_url(f"{base}/duty")


def sign_in_window(page, base: str, secret: str, username: str = "town.window") -> None:  # type: ignore[no-untyped-def]
    """The township's window: a staff page sends a signed-out visitor to sign in, then back."""
    page.goto(f"{base}/window")
    assert "/window/sign-in" in page.url
    page.fill("#f-username", username)
    page.fill("#f-password", secret)
    # Identity's password hash is slow on purpose, and slower on a busy test machine.
    with page.expect_navigation(url=f"{base}/window", timeout=60_000):
        page.click("#sign-in button[type=submit]", no_wait_after=True)


def fill_applicant(page, id_number: str = journey.APPLICANT["id_number"]) -> None:  # type: ignore[no-untyped-def]
    page.fill("#f-name", journey.APPLICANT["name"])
    page.fill("#f-id_number", id_number)
    page.fill("#f-phone", journey.APPLICANT["phone"])


def approve_at_city(platform, case_number: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The forestry bureau's representative decides under a delegated credential (the city's
    own pages are another step of issue 8; its API is what they will call)."""
    city = platform.http("city-center")
    with httpx.Client(timeout=10.0) as client:
        rep = journey.sign_in(client, city, "forestry.rep", password(platform))
        journey.wait_at_city(client, city, rep, case_number, 90.0)
        cred = client.post(
            f"{city}/api/v1/approval-credential", json={"department_code": "forestry"}, headers=rep
        )
        cred.raise_for_status()
        decided = client.post(
            f"{city}/api/v1/cases/{case_number}/decision",
            json={"outcome": "approve"},
            headers={**rep, "X-Approval-Credential": cred.json()["approval_credential"]},
        )
        decided.raise_for_status()
        return decided.json()


def village_status(
    platform, case_number: str, wanted: str, timeout: float = 90.0
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    village = platform.http("village-room")
    with httpx.Client(timeout=10.0) as client:
        staff = journey.sign_in(client, village, "village.duty", password(platform))

        def probe() -> dict[str, Any] | None:
            body = client.get(f"{village}/api/v1/cases/{case_number}", headers=staff).json()
            return body if body.get("status") == wanted else None

        return journey.until(f"case {case_number} to be {wanted}", probe, timeout)


def fee_due(platform, case_number: str) -> bool:  # type: ignore[no-untyped-def]
    village = platform.http("village-room")
    with httpx.Client(timeout=10.0) as client:
        staff = journey.sign_in(client, village, "village.duty", password(platform))
        fee = client.get(f"{village}/api/v1/cases/{case_number}/fee", headers=staff).json()
        return fee["status"] == "due"


def pay_cash(platform, case_number: str) -> None:  # type: ignore[no-untyped-def]
    village = platform.http("village-room")
    with httpx.Client(timeout=10.0) as client:
        staff = journey.sign_in(client, village, "village.duty", password(platform))
        paid = client.post(
            f"{village}/api/v1/cases/{case_number}/fee/payments",
            json={"method": "cash"},
            headers=staff,
        )
        assert paid.status_code == 201, paid.text
