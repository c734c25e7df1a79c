"""The city's public pages in a real browser: the catalog in English, an item's seven
disclosures, the switch back to Chinese, and the catalog at a phone's 360 px."""

from __future__ import annotations

import re

import pytest
from web_helpers import PHONE

from tools import journey

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
SECTIONS = [
    "items",
    "legal_basis",
    "materials",
    "procedure",
    "time_limit",
    "fee_basis",
    "fee_standard",
]


def test_public_catalog_in_english(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    city = platform_pg.http("city-center")
    page.goto(f"{city}/catalog?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Service catalog"
    assert page.locator("#items tbody tr").count() > 1
    shots(page, "catalog-en")

    page.fill("#f-q", journey.ITEM)
    page.click("#search button[type=submit]")
    rows = page.locator("#items tbody tr")
    assert rows.count() == 1 and journey.ITEM in rows.inner_text()
    rows.locator("a").click()

    # The seven disclosures in order, then the double default, all in English.
    assert page.url.endswith(f"/catalog/{journey.ITEM}")
    keys = page.locator("#disclosure section").evaluate_all("els => els.map(e => e.id)")
    assert keys == [f"s-{k}" for k in SECTIONS] + ["s-double_default"]
    assert page.locator("#s-legal_basis h2").inner_text() == "2. Legal basis"
    materials = page.locator("#s-materials li").all_inner_texts()
    assert len(materials) == 4 and not any(CJK.search(m) for m in materials)
    shots(page, "disclosure-en")

    page.click("#lang-switch")
    assert page.locator("#s-legal_basis h2").inner_text() == "2. 法律依据"
    shots(page, "disclosure-zh")


def test_catalog_fits_a_phone(platform_pg, browser, shots):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{platform_pg.http('city-center')}/catalog")
        assert page.locator("h1").inner_text().startswith("办事指南")
        # No sideways scrolling of the page itself at 360 px (wide tables scroll in their box).
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shots(page, "catalog-phone")
    finally:
        context.close()
