"""The places register in a real browser on the running platform (issue 8, T3): the demo
township and villages are there after `seed-demo`; the administrator opens the register from
the console, is told a malformed code beside its field, registers a township, deactivates it;
both pages meet the accessibility rules of `test_accessibility` in both languages and do not
scroll sideways at 360 px."""

from __future__ import annotations

import re

import city_helpers as ch
import pytest
import web_helpers as h
from test_accessibility import _audit, _phone

pytestmark = pytest.mark.browser

TOWNSHIP = "341102190000"  # a township no other test registers


def test_the_administrator_keeps_the_places_register(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    city = platform_pg.http("city-center")
    ch.sign_in(page, city, h.password(platform_pg), "city.admin", "/console")
    page.click("a[href='/console/places']")
    page.wait_for_url(f"{city}/console/places")
    listed = page.locator("#place-list tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.place)"
    )
    assert {"341102101000", "341102101201", "341102101202"} <= set(listed)  # the demo's
    shots(page, "places")

    page.fill("#f-code", "34110219")
    page.evaluate("document.querySelector('#f-code').removeAttribute('pattern')")
    page.select_option("#f-tier", "town")
    page.fill("#f-name_zh", "浏览镇")
    page.fill("#f-name_en", "Browser township")
    page.fill("#f-address_zh", "浏览路1号")
    page.fill("#f-hours_zh", "工作日 8:30-17:00")
    page.fill("#f-phone", "0550-3190000")
    page.click("#new-place button[type=submit]")
    assert page.locator("#e-code").inner_text() == "区划代码应为12位数字"
    assert page.locator("#f-name_zh").input_value() == "浏览镇"  # what was typed is kept
    shots(page, "code-refused")

    page.fill("#f-code", TOWNSHIP)
    page.click("#new-place button[type=submit]")
    page.wait_for_url(re.compile(rf"/console/places/{TOWNSHIP}\?done=registered$"))
    assert page.locator("h1").inner_text() == "浏览镇"
    page.click("#active-form button[type=submit]")
    page.wait_for_url(re.compile(r"done=deactivated$"))
    assert page.locator("#place-status").inner_text() == "已停用"
    shots(page, "deactivated")

    problems = []
    for path in ("/console/places", "/console/places/341102101201"):
        for lang in ("zh", "en"):
            problems += _audit(page, f"{city}{path}", lang)
        problems += _phone(page, f"{city}{path}")
    assert problems == []
