"""The e-supervision pages in a real browser: a case accepted at a village shows up with its
clock on the supervisor's dashboard; a complaint about it, made on the public form (after an
error beside its field), reaches the supervisors' queue and is taken up; the complainant
follows it with the code from the receipt; the audit chain is checked from the dashboard."""

from __future__ import annotations

import re

import city_helpers as ch
import httpx
import pytest
import web_helpers as h

from tools import journey

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def accepted(platform_pg) -> str:  # type: ignore[no-untyped-def]
    """A case accepted at the village, its clock already in the city's supervision view."""
    h.catalog_at_village(platform_pg)
    village, city = platform_pg.http("village-room"), platform_pg.http("city-center")
    secret = h.password(platform_pg)
    with httpx.Client(timeout=ch.SLOW_RUNNER) as client:
        staff = journey.sign_in(client, village, "village.duty", secret)
        number = journey.submit_complete(client, village, staff)["case_number"]
        supervisor = journey.sign_in(client, city, "city.supervisor", secret)
        journey.until(
            f"the clock of {number}",
            lambda: (
                client.get(
                    f"{city}/api/v1/supervision/clocks/{number}", headers=supervisor
                ).status_code
                == 200
            ),
            60.0,
        )
    return number


def test_dashboard_lists_the_clock_and_checks_the_audit_chain(platform_pg, page, shots, accepted):  # type: ignore[no-untyped-def]
    city = platform_pg.http("city-center")
    ch.sign_in(page, city, h.password(platform_pg), "city.supervisor", "/supervision")
    page.select_option("#f-tier", "village")
    page.fill("#f-place", "341102101201")
    page.click("#clock-filter button[type=submit]")
    row = page.locator(f"#clocks tr[data-case='{accepted}'][data-tier='village']")
    assert row.count() == 1
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row.inner_text())  # its deadline
    shots(page, "dashboard-clock")
    row.locator("a").click()  # the case's clock at every tier it went through
    assert page.locator("#case-clocks tr[data-tier='village']").count() == 1

    page.goto(f"{city}/supervision")
    page.click("text=审计链核验")
    page.click("#audit-form button[type=submit]")
    assert "审计链完整" in page.locator("#audit-ok").inner_text()
    shots(page, "audit-chain")


def test_public_complaint_reaches_the_supervisors(platform_pg, page, shots, accepted):  # type: ignore[no-untyped-def]
    city = platform_pg.http("city-center")
    page.goto(f"{city}/complaints/new")
    page.fill("#f-case_number", accepted)
    page.fill("#f-content", "太慢")
    with page.expect_response(lambda r: r.url.endswith("/complaints")) as answer:
        page.click("#complaint-form button[type=submit]")
    assert answer.value.status == 422
    assert page.locator("#e-content").is_visible()
    assert page.locator("#f-content").get_attribute("aria-describedby") == "e-content"
    assert page.locator("#f-case_number").input_value() == accepted  # input kept
    shots(page, "complaint-error-beside-field")

    content = "村里代办的采伐许可一直没有消息，窗口电话无人接听"
    page.fill("#f-content", content)
    page.click("#complaint-form button[type=submit]")
    number = page.locator("#complaint-number").inner_text().strip()
    code = page.locator("#complaint-code").inner_text().strip()
    assert re.fullmatch(r"CP-\d{8}-[0-9A-F]{6}", number) and len(code) == 8
    shots(page, "complaint-receipt")

    # The supervisor finds it in the queue, routed to the case's village, and takes it up.
    ch.sign_in(page, city, h.password(platform_pg), "city.supervisor", "/supervision/complaints")
    row = page.locator(f"#complaints tr[data-number='{number}']")
    assert accepted in row.inner_text()
    row.locator("a").click()
    assert page.locator("#content").inner_text() == content
    page.click("#take-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=taken$"))
    assert page.locator("#status").inner_text() == "办理中"
    shots(page, "complaint-taken")

    # The complainant follows it with the number and code from the receipt.
    page.goto(f"{city}/complaints/follow")
    page.fill("#f-number", number)
    page.fill("#f-code", code)
    page.click("#follow-form button[type=submit]")
    assert page.locator("#complaint-status").inner_text() == "办理中"
