"""The core path in Firefox ESR (issue 8: "Supported: current Chromium-based browsers ... and
Firefox ESR"), Debian's own, with JavaScript turned off in the browser's preferences: the duty
staff sign in and register a visit, switch to English, and see a form error beside its field;
the applicant's look-up at the city answers a wrong query code beside the field; the public
pages of the three tiers fit a phone's 360 px. Driven over WebDriver BiDi (`firefox_bidi`)."""

from __future__ import annotations

import re

import firefox_bidi
import pytest
import web_helpers as h
from firefox_bidi import Firefox
from web_helpers import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        firefox_bidi.executable() is None,
        reason="firefox-esr is not installed: run `sh tools/system-packages.sh` as root",
    ),
]

TOWNSHIP = "341102101000"


async def test_duty_console_core_path_without_javascript(platform_pg):  # type: ignore[no-untyped-def]
    village = platform_pg.http("village-room")
    async with Firefox.launch(javascript=False) as ff:
        assert await ff.read("navigator.userAgent") and "Firefox" in await ff.read(
            "navigator.userAgent"
        )
        await ff.goto(f"{village}/duty")
        assert "/duty/sign-in" in await ff.url()
        await ff.fill("#f-username", "village.duty")
        await ff.fill("#f-password", h.password(platform_pg))
        # Identity's password hash is slow on purpose, and slower on a busy test machine.
        await ff.click("#sign-in button[type=submit]", wait_s=60.0)
        assert await ff.url() == f"{village}/duty"
        assert (await ff.text("h1")).startswith("今日值班")
        assert await ff.read("document.querySelector('h1').matches(':lang(zh-CN)')")

        topic = "宅基地审批咨询（Firefox）"
        await ff.fill("#f-topic", topic)
        await ff.click("#visit-form button[type=submit]")
        assert re.search(r"/duty\?done=visit$", await ff.url())
        visits = await ff.read(
            "[...document.querySelectorAll('#visits tr')].map(r => r.textContent)"
        )
        assert any(topic in row for row in visits)

        await ff.click("#lang-switch")
        assert (await ff.text("h1")).startswith("Today on duty")
        assert await ff.read("document.documentElement.lang") == "en"

        # The case-number box takes anything; the server answers a bad one beside the field.
        await ff.goto(f"{village}/lookup")
        await ff.fill("#f-case_number", "341102101201-20260101-0001")
        await ff.fill("#f-query_code", "WRONG1")
        await ff.click("#lookup-form button[type=submit]")
        assert (await ff.text("#e-query_code")).strip()
        assert await ff.count("#public-status") == 0


async def test_city_look_up_and_public_pages_at_a_phones_width(platform_pg):  # type: ignore[no-untyped-def]
    city, town, village = (
        platform_pg.http(s) for s in ("city-center", "town-hall", "village-room")
    )
    async with Firefox.launch(javascript=False) as ff:
        await ff.goto(f"{city}/lookup")
        await ff.fill("#f-case_number", "341102101201-20260101-0001")
        await ff.fill("#f-query_code", "WRONG1")
        await ff.click("#lookup-form button[type=submit]")
        assert (await ff.text("#e-query_code")).strip()
        assert await ff.read("document.querySelector('#f-query_code').getAttribute('aria-invalid')")

        await ff.viewport(PHONE["width"], PHONE["height"])
        too_wide = []
        for url in (
            f"{city}/catalog",
            f"{city}/catalog/LY-0001",
            f"{city}/complaints/new",
            f"{town}/townships/{TOWNSHIP}/notices",
            f"{town}/townships/{TOWNSHIP}/report",
            f"{village}/lookup",
        ):
            await ff.goto(url)
            assert await ff.count("h1") == 1, url
            width = await ff.read("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{url}: {width} px")
        assert too_wide == []
