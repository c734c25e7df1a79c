"""The chief representative's desk in a real browser: cases sent up from a village wait for
the forestry bureau; the representative approves one under the department's delegated
credential; a refusal without its legal reason is refused beside the field, and the core path
works with JavaScript off; the case page fits a phone."""

from __future__ import annotations

import re

import city_helpers as ch
import pytest
import web_helpers as h
from web_helpers import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def forwarded(platform_pg) -> list[str]:  # type: ignore[no-untyped-def]
    """Two cases up from the village through the township, one for each test here."""
    return ch.forward_from_village(platform_pg, 2)


def test_representative_approves_a_case_from_a_village(platform_pg, page, shots, forwarded):  # type: ignore[no-untyped-def]
    city, number = platform_pg.http("city-center"), forwarded[0]
    ch.sign_in(page, city, h.password(platform_pg), "forestry.rep", "/desk")
    row = page.locator("#waiting tbody tr", has_text=number)
    assert row.count() == 1
    assert "341102101201" in row.inner_text()  # where it was accepted
    ch.keep_for_readme(shots(page, "desk"), "city-center.png")

    row.locator("a").click()
    page.wait_for_url(f"{city}/desk/cases/{number}")
    assert page.locator("#status").inner_text() == "待审查"
    assert page.locator("#materials li").count() == 4  # the scans travelled with the case
    shots(page, "case-waiting")

    page.check("#f-outcome-approve")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=approved$"))
    assert page.locator("#status").inner_text() == "准予许可"
    assert re.fullmatch(r"FORESTRY-\d{4}-\d{6}", page.locator("#document-number").inner_text())
    assert page.locator("#decision-form").count() == 0  # decided once
    shots(page, "approved")

    page.goto(f"{city}/desk")
    assert page.locator("#decided tbody tr", has_text=number).count() == 1
    assert page.locator("#waiting tbody tr", has_text=number).count() == 0

    # At a phone's 360 px the case page does not scroll sideways.
    page.set_viewport_size(PHONE)
    page.goto(f"{city}/desk/cases/{number}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "case-phone")


def test_refusal_needs_its_legal_reason_without_javascript(
    platform_pg, no_js_page, shots, forwarded
):  # type: ignore[no-untyped-def]
    page, city, number = no_js_page, platform_pg.http("city-center"), forwarded[1]
    ch.sign_in(page, city, h.password(platform_pg), "forestry.rep", "/desk")
    page.goto(f"{city}/desk/cases/{number}")

    page.check("#f-outcome-refuse")
    with page.expect_response(lambda r: r.url.endswith("/decision")) as answer:
        page.click("#decision-form button[type=submit]")
    assert answer.value.status == 422
    field = page.locator(".field.has-error", has=page.locator("#f-legal_reason"))
    assert "法律依据" in field.locator("#e-legal_reason").inner_text()
    assert page.locator("#f-legal_reason").get_attribute("aria-describedby") == "e-legal_reason"
    assert page.locator("#f-outcome-refuse").is_checked()  # the choice is kept
    assert page.locator("#status").inner_text() == "待审查"  # nothing was decided
    shots(page, "refusal-needs-reason")

    reason = "采伐区位于生态公益林，依据《森林法》第五十六条不予许可"
    page.fill("#f-legal_reason", reason)
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=refused$"))
    assert page.locator("#status").inner_text() == "不予许可"
    letter = page.locator("#document-text").inner_text()
    assert reason in letter and "行政复议" in letter  # the reason and the applicant's rights
    shots(page, "refused-without-javascript")
