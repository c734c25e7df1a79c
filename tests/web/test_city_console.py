"""The administrator's console in a real browser: a catalog change drafted, saved and
published in the console shows on the public catalog at once; the working-day table of a
year is published from its page."""

from __future__ import annotations

import re

import city_helpers as ch
import pytest
import web_helpers as h

pytestmark = pytest.mark.browser

# An item no other test reads: the tobacco monopoly bureau's retail licence.
ITEM = "YC-0001"


def test_administrator_publishes_a_catalog_change(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    city = platform_pg.http("city-center")
    page.goto(f"{city}/catalog/{ITEM}")
    before = int(re.search(r"版本 (\d+)", page.locator("#disclosure p").first.inner_text())[1])

    ch.sign_in(page, city, h.password(platform_pg), "city.admin", "/console")
    page.fill("#f-code", ITEM)
    page.click("#new-draft button[type=submit]")
    page.wait_for_url(f"{city}/console/drafts/{ITEM}/{before + 1}")
    name = "烟草专卖零售许可证核发（新版）"
    page.fill("#f-name_zh", name)
    page.fill("#f-time_limit_days", "12")
    page.click("#draft-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=saved$"))
    assert page.locator("#f-name_zh").input_value() == name
    shots(page, "draft-saved")

    page.click("#publish-form button[type=submit]")
    page.wait_for_url(re.compile(r"/console\?done=published$"))
    assert page.locator("#drafts tr", has_text=ITEM).count() == 0
    shots(page, "published")

    # The public catalog has the new version, its name and its time limit.
    page.goto(f"{city}/catalog?q={ITEM}")
    assert page.locator("#items tbody tr").inner_text().count(name) == 1
    page.goto(f"{city}/catalog/{ITEM}")
    assert page.locator("h1").inner_text() == name
    assert f"版本 {before + 1}" in page.locator("#disclosure p").first.inner_text()
    assert "12" in page.locator("#s-time_limit").inner_text()
    shots(page, "public-item")


def test_working_day_table_is_published(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    # A year far off, so no case's deadline of this test session moves.
    city = platform_pg.http("city-center")
    ch.sign_in(page, city, h.password(platform_pg), "city.admin", "/console")
    page.goto(f"{city}/console/calendar?year=2099")
    page.fill("#f-day_0", "2099-10-10")
    page.select_option("#f-working_0", "1")
    page.fill("#f-note_0", "国庆调休上班")
    page.click("#calendar-form button[type=submit]")
    page.wait_for_url(re.compile(r"done=published$"))
    assert "国庆调休上班" in page.locator("#calendar-days").inner_text()
    assert page.locator("#calendar-status").inner_text() == "已发布，官方安排未确认"
    shots(page, "calendar")
