"""The village's pages in a real browser: the duty console's whole villager journey, a form
error beside its field, the language switch, and the core path with JavaScript off."""

from __future__ import annotations

import re

import pytest
import web_helpers as h

from tools import journey

pytestmark = pytest.mark.browser


def test_villager_journey_through_the_duty_console(platform_pg, page, shots, scans, tmp_path):  # type: ignore[no-untyped-def]
    village = platform_pg.http("village-room")
    h.catalog_at_village(platform_pg)
    h.sign_in(page, village, h.password(platform_pg))
    shots(page, "today")

    # Register the visit; it is listed on today's page.
    topic = "申请林木采伐许可（浏览器）"
    page.fill("#f-topic", topic)
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/duty\?done=visit$"))
    row = page.locator("#visits tr", has_text=topic)
    assert row.count() == 1
    shots(page, "visit-registered")

    # Apply as agent for that visit with two of the four materials.
    row.locator("a.apply-link").click()
    page.fill("#f-item_code", journey.ITEM)
    page.click("#item-form button[type=submit]")
    assert page.locator("#checklist li").count() == 4
    h.fill_applicant(page)
    page.set_input_files("#f-file_application", scans["application"])
    page.set_input_files("#f-file_id_card", scans["id_card"])
    shots(page, "apply-checklist")
    page.click("#apply-form button[type=submit]")

    # The one-time notice names everything missing, at once.
    page.wait_for_url(re.compile(r"/duty/notices/[0-9a-f-]+$"))
    missing = page.locator("#missing li").evaluate_all("els => els.map(e => e.dataset.code)")
    assert missing == ["forest_right", "felling_design"]
    assert "一次性告知书" in page.locator("h1").inner_text()
    shots(page, "one-time-notice")

    # Complete this time, from the notice's own link (the same visit, the same item).
    page.click("text=材料补齐后再次申请")
    h.fill_applicant(page)
    for code, path in scans.items():
        page.set_input_files(f"#f-file_{code}", path)
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/duty/cases/[0-9-]+/slip$"))
    number = page.locator("#case-number").inner_text().strip()
    query_code = page.locator("#query-code").inner_text().strip()
    assert h.CASE_NUMBER.match(number), number
    shots(page, "acceptance-slip")

    # The slip prints on A4: the print stylesheet loads and hides the screen's header.
    css = page.request.get(f"{village}/assets/print.css")
    assert css.ok and "size: A4" in css.text()
    page.emulate_media(media="print")
    assert page.locator("header.site").is_hidden()
    assert page.locator("#case-number").is_visible()
    pdf = tmp_path / "acceptance-slip.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    page.emulate_media(media="screen")

    # Up through the township to the city, decided there, and the reply comes back down.
    decision = h.approve_at_city(platform_pg, number)
    h.village_status(platform_pg, number, "CASE_STATUS_REPLY_READY")
    page.goto(f"{village}/duty/cases/{number}")
    assert page.locator("#document-number").inner_text() == decision["result_document_number"]
    assert page.locator("#steps tbody tr").count() >= 4
    shots(page, "case-reply-ready")

    if h.fee_due(platform_pg, number):
        # A fee still due is said beside the hand-over button, and nothing is handed over.
        page.click("#hand-over button[type=submit]")
        assert "费用" in page.locator("#e-hand_over").inner_text()
        shots(page, "hand-over-held-for-fee")
        h.pay_cash(platform_pg, number)
        page.goto(f"{village}/duty/cases/{number}")
    page.click("#hand-over button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=handed$"))
    assert page.locator("#status").inner_text() == "已答复"
    assert page.locator("#hand-over").count() == 0
    shots(page, "handed-over")

    # The applicant looks the case up with the number and the query code from the slip.
    page.goto(f"{village}/lookup")
    page.fill("#f-case_number", number)
    page.fill("#f-query_code", query_code)
    page.click("#lookup-form button[type=submit]")
    assert page.locator("#public-status").inner_text() == "已答复"
    shots(page, "public-lookup")


def test_a_form_error_is_shown_beside_its_field(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    village = platform_pg.http("village-room")
    h.catalog_at_village(platform_pg)
    h.sign_in(page, village, h.password(platform_pg))
    page.goto(f"{village}/duty/apply?item={journey.ITEM}")
    h.fill_applicant(page, id_number="341102198001011233")  # the check digit is wrong
    with page.expect_response(lambda r: r.url.endswith("/duty/apply")) as answer:
        page.click("#apply-form button[type=submit]")
    assert answer.value.status == 422
    field = page.locator(".field.has-error", has=page.locator("#f-id_number"))
    assert field.locator("#e-id_number").is_visible()
    assert page.locator("#f-id_number").get_attribute("aria-describedby") == "e-id_number"
    assert page.locator("#f-name").input_value() == journey.APPLICANT["name"]  # input kept
    assert page.locator(".has-error").count() == 1
    shots(page, "form-error-beside-field")


def test_language_switch_is_kept_by_cookie(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    village = platform_pg.http("village-room")
    page.goto(f"{village}/lookup")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "办件查询"
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Case look-up"
    shots(page, "lookup-en")
    page.goto(f"{village}/duty/sign-in")  # no ?lang: the cookie keeps English
    assert page.locator("h1").inner_text() == "Duty staff sign-in"
    page.click("#lang-switch")
    assert page.locator("h1").inner_text() == "值班人员登录"


def test_core_path_works_without_javascript(platform_pg, no_js_page, shots, scans):  # type: ignore[no-untyped-def]
    page = no_js_page
    village = platform_pg.http("village-room")
    h.catalog_at_village(platform_pg)
    h.sign_in(page, village, h.password(platform_pg))
    page.fill("#f-topic", "无脚本来访")
    page.click("#visit-form button[type=submit]")
    page.locator("#visits tr", has_text="无脚本来访").locator("a.apply-link").click()
    page.fill("#f-item_code", journey.ITEM)
    page.click("#item-form button[type=submit]")
    h.fill_applicant(page)
    for code, path in scans.items():
        page.set_input_files(f"#f-file_{code}", path)
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/duty/cases/[0-9-]+/slip$"))
    assert h.CASE_NUMBER.match(page.locator("#case-number").inner_text().strip())
    shots(page, "slip-without-javascript")
    page.goto(f"{village}/duty")
    assert (
        page.locator("#visits tr", has_text="无脚本来访").locator("a[href^='/duty/cases/']").count()
        == 1
    )
