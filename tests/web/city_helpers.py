"""Steps the city's browser tests share: staff sign-in on the center's pages, and cases sent
up from the village through the township (the village's JSON API, as its duty staff would)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import web_helpers as h

from tools import journey

# `GOVNET_README_SHOTS=docs/screenshots` keeps the README's picture of the desk up to date.
README_SHOTS = os.environ.get("GOVNET_README_SHOTS", "")
# Seconds a set-up call may take: a runner shared by several suites answers slowly at times
# (a 10 s limit timed out under a load of 19 on 2 cores).
SLOW_RUNNER = 30.0


def sign_in(page, base: str, secret: str, username: str, start: str) -> None:  # type: ignore[no-untyped-def]
    """Open a staff page signed out, sign in on the form it sends you to, land back on it."""
    page.goto(f"{base}{start}")
    assert "/staff/sign-in" in page.url  # a staff page sends a signed-out visitor to sign in
    page.fill("#f-username", username)
    page.fill("#f-password", secret)
    page.click("#sign-in button[type=submit]")
    page.wait_for_url(f"{base}{start}")


def forward_from_village(platform, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` complete tree-felling applications accepted at the village, waiting at the city."""
    h.catalog_at_village(platform)
    village, city = platform.http("village-room"), platform.http("city-center")
    secret = h.password(platform)
    with httpx.Client(timeout=SLOW_RUNNER) as client:
        staff = journey.sign_in(client, village, "village.duty", secret)
        numbers = [
            journey.submit_complete(client, village, staff)["case_number"] for _ in range(count)
        ]
        rep = journey.sign_in(client, city, "forestry.rep", secret)
        for number in numbers:
            journey.wait_at_city(client, city, rep, number, 90.0)
    return numbers


def keep_for_readme(shot: Path, name: str) -> None:
    if README_SHOTS:
        target = Path(README_SHOTS) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
