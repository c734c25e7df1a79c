"""The villager's whole journey through the three front-ends in one browser, each tier in its own
window (its own cookies), as three people at three desks would see it: the village's duty
staff register the visit, print the one-time notice and then the slip; the township's window
sees the case go up to the city; the forestry bureau's representative approves it on the desk;
the village prints the certificate and hands it over; and the applicant looks the case up on the city's
public page with the number and the query code from the slip (issue 8)."""

from __future__ import annotations

import re

import city_helpers as ch
import pytest
import web_helpers as h
from web_helpers import DESKTOP

from tools import journey

pytestmark = pytest.mark.browser


def _window(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_one_case_from_the_village_to_the_city_and_back(platform_pg, browser, shots, scans):  # type: ignore[no-untyped-def]
    village, town, city = (
        platform_pg.http(s) for s in ("village-room", "town-hall", "city-center")
    )
    secret = h.password(platform_pg)
    h.catalog_at_village(platform_pg)

    # The village: the visit, the one-time notice for what is missing, then the slip.
    duty = _window(browser)
    h.sign_in(duty, village, secret)
    duty.fill("#f-topic", "林木采伐许可（三级联办）")
    duty.click("#visit-form button[type=submit]")
    duty.wait_for_url(re.compile(r"/duty\?done=visit$"))
    duty.locator("#visits tr", has_text="三级联办").locator("a.apply-link").click()
    duty.fill("#f-item_code", journey.ITEM)
    duty.click("#item-form button[type=submit]")
    h.fill_applicant(duty)
    duty.set_input_files("#f-file_application", scans["application"])
    duty.click("#apply-form button[type=submit]")
    duty.wait_for_url(re.compile(r"/duty/notices/[0-9a-f-]+$"))
    missing = duty.locator("#missing li").evaluate_all("els => els.map(e => e.dataset.code)")
    assert missing == ["id_card", "forest_right", "felling_design"]
    shots(duty, "village-one-time-notice")
    duty.click("text=材料补齐后再次申请")
    h.fill_applicant(duty)
    for code, path in scans.items():
        duty.set_input_files(f"#f-file_{code}", path)
    duty.click("#apply-form button[type=submit]")
    duty.wait_for_url(re.compile(r"/duty/cases/[0-9-]+/slip$"))
    number = duty.locator("#case-number").inner_text().strip()
    query_code = duty.locator("#query-code").inner_text().strip()
    assert h.CASE_NUMBER.match(number), number
    shots(duty, "village-slip")

    # The township: the case is in the window's inbox and goes on up to the city.
    window = _window(browser)
    h.sign_in_window(window, town, secret)

    def delivered() -> bool:
        window.goto(f"{town}/window/cases/{number}")
        return window.locator("#escalation-state").get_attribute("data-state") == "delivered"

    journey.until(f"{number} sent on by the township", delivered, 90.0)
    assert "市中心已接收" in window.locator("#escalation-state").inner_text()
    shots(window, "township-sent-up")

    # The city: the representative finds it waiting on the desk and approves it.
    desk = _window(browser)
    ch.sign_in(desk, city, secret, "forestry.rep", "/desk")
    desk.locator("#waiting tbody tr", has_text=number).locator("a").click()
    desk.wait_for_url(f"{city}/desk/cases/{number}")
    desk.check("#f-outcome-approve")
    desk.click("#decision-form button[type=submit]")
    desk.wait_for_url(re.compile(r"\?done=approved$"))
    document = desk.locator("#document-number").inner_text()
    assert re.fullmatch(r"FORESTRY-\d{4}-\d{6}", document)
    shots(desk, "city-approved")

    # The village: the reply came down with its document number; the certificate is handed over.
    h.village_status(platform_pg, number, "CASE_STATUS_REPLY_READY")
    duty.goto(f"{village}/duty/cases/{number}")
    assert duty.locator("#document-number").inner_text() == document
    duty.click("#print-document")
    duty.wait_for_url(f"{village}/duty/cases/{number}/document")
    duty.emulate_media(media="print")
    assert duty.locator("#case-number").inner_text() == number
    assert duty.locator("#document-number").inner_text() == document
    assert duty.locator("#document svg").is_visible() and duty.locator("header.site").is_hidden()
    shots(duty, "village-document-printed")
    duty.emulate_media(media="screen")
    duty.goto(f"{village}/duty/cases/{number}")
    if h.fee_due(platform_pg, number):
        h.pay_cash(platform_pg, number)
        duty.goto(f"{village}/duty/cases/{number}")
    duty.click("#hand-over button[type=submit]")
    duty.wait_for_url(re.compile(r"\?done=handed$"))
    assert duty.locator("#status").inner_text() == "已答复"
    shots(duty, "village-handed-over")

    # The applicant, signed in nowhere, looks the case up on the city's public page.
    applicant = _window(browser)
    applicant.goto(f"{city}/lookup")
    applicant.fill("#f-case_number", number)
    applicant.fill("#f-query_code", query_code)
    applicant.click("#lookup-form button[type=submit]")
    assert applicant.locator("#public-document").inner_text() == document
    assert applicant.locator("#public-status").inner_text() == "准予许可"
    shots(applicant, "city-public-lookup")

    # A wrong query code tells nothing about the case.
    applicant.goto(f"{city}/lookup")
    applicant.fill("#f-case_number", number)
    applicant.fill("#f-query_code", "WRONG1")
    applicant.click("#lookup-form button[type=submit]")
    assert applicant.locator("#public-document").count() == 0
    assert applicant.locator("#e-query_code").inner_text().strip()

    for page in (duty, window, desk, applicant):
        page.context.close()
