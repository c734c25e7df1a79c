"""The township hall's pages in a real browser: the window inbox -> a case a village forwarded ->
decided under the township's credential (a refusal without its legal reason said beside the
field) -> the decision printed with its QR code; a city item's escalation as the window sees
it; the public notices in Chinese and English and at 360 px; the report box and the core path
with JavaScript off."""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import httpx
import pytest
import web_helpers as h
from web_helpers import PHONE

from tools import journey

pytestmark = pytest.mark.browser

TOWNSHIP = "341102101000"
ITEM = "MZ-0001"  # relocation and resettlement: the township decides (commitment)
MATERIALS = ("application", "household_register", "migrant_proof", "village_opinion")
# `GOVNET_README_SHOTS=docs/screenshots` keeps the README's picture of the inbox up to date
# (the same switch as the city's pages).
README_SHOTS = os.environ.get("GOVNET_README_SHOTS", "")


def _material(code: str) -> dict[str, str]:
    return {
        "code": code,
        "filename": f"{code}.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(f"scan of {code}".encode()).decode(),
    }


def _village_applies(platform, item: str, materials) -> str:  # type: ignore[no-untyped-def]
    """The village applies as agent (its own pages are tested elsewhere) and the case reaches
    the township; returns its number."""
    village, town = platform.http("village-room"), platform.http("town-hall")
    with httpx.Client(timeout=30.0) as client:
        staff = journey.sign_in(client, village, "village.duty", h.password(platform))
        journey.until(
            f"{item} at the village",
            lambda: client.get(f"{village}/api/v1/guide/items/{item}").status_code == 200,
            60.0,
        )
        resp = client.post(
            f"{village}/api/v1/applications",
            json={
                "place_code": journey.VILLAGE,
                "item_code": item,
                "applicant": journey.APPLICANT,
                "materials": [_material(c) for c in materials],
            },
            headers=staff,
        )
        assert resp.status_code == 201, resp.text
        number = resp.json()["acceptance_slip"]["case_number"]
        window = journey.sign_in(client, town, "town.window", h.password(platform))
        journey.until(
            f"{number} at the township",
            lambda: client.get(f"{town}/api/v1/cases/{number}", headers=window).status_code == 200,
            90.0,
        )
        return number


def test_window_inbox_to_a_decision_printed_with_its_qr_code(platform_pg, page, shots, tmp_path):  # type: ignore[no-untyped-def]
    town = platform_pg.http("town-hall")
    number = _village_applies(platform_pg, ITEM, MATERIALS)
    h.sign_in_window(page, town, h.password(platform_pg), "town.civil")

    # The inbox lists the village's case with its clock, at the civil affairs window.
    row = page.locator("#cases tbody tr", has_text=number)
    assert row.count() == 1
    assert row.get_attribute("data-clock") == "running"
    assert "个工作日" in row.locator("td.clock").inner_text()
    assert "村代办" in row.inner_text()
    page.select_option("#f-window", "civil_affairs")
    page.click("#window-filter button[type=submit]")
    assert page.locator("#cases tbody tr", has_text=number).count() == 1
    shots(page, "town-inbox")
    inbox = tmp_path / "town-hall.png"
    page.screenshot(path=str(inbox))  # the README's picture: the viewport, not the whole page
    assert inbox.stat().st_size < 200_000
    if README_SHOTS:
        Path(README_SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(inbox, Path(README_SHOTS) / "town-hall.png")

    # Open it and take it: the first asked owns it.
    page.locator("#cases tbody tr", has_text=number).locator("a").click()
    page.wait_for_url(f"{town}/window/cases/{number}")
    assert page.locator("#status").inner_text() == "待审查"
    page.click("#accept-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=accepted$"))
    assert page.locator("#status").inner_text() == "审查中"
    shots(page, "town-case-accepted")

    # A refusal without its legal reason: said beside that field, nothing decided.
    page.check("#f-outcome-refuse")
    with page.expect_response(lambda r: r.url.endswith("/decision")) as answer:
        page.click("#decision-form button[type=submit]")
    assert answer.value.status == 422
    field = page.locator(".field.has-error", has=page.locator("#f-legal_reason"))
    assert "法律依据" in field.locator("#e-legal_reason").inner_text()
    assert page.locator("#f-legal_reason").get_attribute("aria-describedby") == "e-legal_reason"
    assert page.locator("#status").inner_text() == "审查中"
    shots(page, "town-refusal-needs-reason")

    # Approved under town.civil's delegation of tier "town"; the document is numbered.
    page.check("#f-outcome-approve")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=decided$"))
    assert page.locator("#status").inner_text() == "准予许可"
    document_number = page.locator("#document-number").inner_text()
    assert document_number.startswith(f"{TOWNSHIP}-CIVIL_AFFAIRS-")
    shots(page, "town-case-decided")

    # Printable on A4: the case number as text and as a QR code, the header gone.
    page.click("#print-document")
    assert page.locator("#case-number").inner_text() == number
    qr = page.locator("#document svg.qr")
    assert qr.get_attribute("role") == "img" and number in qr.get_attribute("aria-label")
    page.emulate_media(media="print")
    assert page.locator("header.site").is_hidden() and qr.is_visible()
    box = qr.bounding_box()
    assert box and 90 < box["width"] < 120  # 28 mm at 96 px to the inch: about 106 px
    pdf = tmp_path / "town-decision.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.emulate_media(media="screen")
    shots(page, "town-decision-document")


def test_a_city_items_escalation_as_the_window_sees_it(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    town = platform_pg.http("town-hall")
    number = _village_applies(platform_pg, journey.ITEM, journey.ALL_MATERIALS)
    h.sign_in_window(page, town, h.password(platform_pg), "town.window")

    def delivered() -> bool:
        page.goto(f"{town}/window/cases/{number}")
        return page.locator("#escalation-state").get_attribute("data-state") == "delivered"

    journey.until(f"{number} acknowledged by the city", delivered, 60.0)
    assert "市中心已接收" in page.locator("#escalation-state").inner_text()
    # The city decides a city item: the township neither takes nor decides it.
    assert page.locator("#accept-form, #decision-form").count() == 0
    shots(page, "town-escalated")


def test_public_notices_in_chinese_and_english_and_on_a_phone(platform_pg, page, browser, shots):  # type: ignore[no-untyped-def]
    town = platform_pg.http("town-hall")
    h.sign_in_window(page, town, h.password(platform_pg), "town.office")
    page.goto(f"{town}/window/notices")
    page.select_option("#f-kind", "consultation_phone")
    page.fill("#f-title_zh", "咨询电话")
    page.fill("#f-title_en", "Consultation phone")
    page.fill("#f-body_zh", "工作日 8:30-17:30 有人接听")
    page.fill("#f-body_en", "Answered on working days 8:30-17:30")
    page.fill("#f-phone", "0554-2600001")
    page.click("#notice-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=published$"))
    assert page.locator("#notices tbody tr", has_text="咨询电话").count() >= 1
    shots(page, "town-notices-staff")

    page.goto(f"{town}/townships/{TOWNSHIP}/notices")
    assert page.locator("h1").inner_text().startswith("公开公告")
    group = page.locator("#notices-consultation_phone")
    assert group.locator("h2").inner_text() == "咨询电话"
    assert "0554-2600001" in group.locator(".phone").first.inner_text()
    shots(page, "town-notices-zh")
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#notices-consultation_phone h2").inner_text() == "Consultation phone"
    assert "Answered on working days" in page.locator("#notices-consultation_phone").inner_text()
    shots(page, "town-notices-en")

    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        small = phone.new_page()
        small.goto(f"{town}/townships/{TOWNSHIP}/notices")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width  # nothing wider than the phone
        shots(small, "town-notices-360px")
    finally:
        phone.close()


def test_report_box_and_decision_without_javascript(platform_pg, no_js_page, shots):  # type: ignore[no-untyped-def]
    page = no_js_page
    town = platform_pg.http("town-hall")

    # The report box: an error beside its field, then the receipt with number and code.
    page.goto(f"{town}/townships/{TOWNSHIP}/report")
    page.fill("#f-content", "慢")
    page.click("#report-form button[type=submit]")
    assert page.locator("#e-content").is_visible()
    assert "至少 5 个字" in page.locator("#e-content").inner_text()
    assert page.locator("#f-content").get_attribute("aria-describedby") == "e-content"
    shots(page, "town-report-error")
    page.fill("#f-content", "户籍窗口中午提前下班，办事群众等了一个小时")
    page.select_option("#f-window_code", "household_registration")
    page.click("#report-form button[type=submit]")
    assert re.match(
        rf"^CP-{TOWNSHIP}-\d{{8}}-\d{{4}}$", page.locator("#report-number").inner_text()
    )
    assert len(page.locator("#report-code").inner_text()) == 8
    assert page.locator("#receipt svg.qr").count() == 1
    shots(page, "town-report-receipt")

    # The window's core path: sign in, open the village's case, take it, decide it.
    number = _village_applies(platform_pg, ITEM, MATERIALS)
    h.sign_in_window(page, town, h.password(platform_pg), "town.civil")
    page.goto(f"{town}/window/cases/{number}")
    page.click("#accept-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=accepted$"))
    page.check("#f-outcome-refuse")
    page.fill("#f-legal_reason", "不符合《示例条例》第五条规定的安置条件")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=decided$"))
    assert page.locator("#status").inner_text() == "不予许可"
    page.click("#print-document")
    assert "行政复议" in page.locator("#document").inner_text()  # the applicant's rights
    shots(page, "town-refusal-without-javascript")


def test_walk_in_notice_slip_decision_and_hand_over(platform_pg, page, shots, tmp_path):  # type: ignore[no-untyped-def]
    town = platform_pg.http("town-hall")
    scans = {}
    for code in MATERIALS:
        scans[code] = tmp_path / f"{code}.pdf"
        scans[code].write_bytes(b"%PDF-1.4\n% scan of " + code.encode() + b"\n%%EOF\n")
    h.sign_in_window(page, town, h.password(platform_pg), "town.civil")
    page.goto(f"{town}/window/apply")
    page.fill("#f-item_code", ITEM)
    page.click("#item-form button[type=submit]")
    assert page.locator("#checklist li").count() == len(MATERIALS)

    # Two of four: the one-time notice lists the other two, at once, with its QR code.
    page.fill("#f-name", journey.APPLICANT["name"])
    page.fill("#f-id_number", journey.APPLICANT["id_number"])
    for code in MATERIALS[:2]:
        page.set_input_files(f"#f-file_{code}", scans[code])
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/window/one-time-notices/[0-9a-f-]+$"))
    missing = page.locator("#missing li").evaluate_all("els => els.map(e => e.dataset.code)")
    assert missing == list(MATERIALS[2:])
    assert page.locator("#notice svg.qr").count() == 1
    shots(page, "town-walk-in-one-time-notice")

    # Complete: the slip, with the township's own case number as text and QR code.
    page.click("text=材料补齐后再次受理")
    page.fill("#f-name", journey.APPLICANT["name"])
    page.fill("#f-id_number", journey.APPLICANT["id_number"])
    for code, path in scans.items():
        page.set_input_files(f"#f-file_{code}", path)
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r"/window/cases/[0-9-]+/slip$"))
    number = page.locator("#case-number").inner_text()
    assert re.match(rf"^{TOWNSHIP}-\d{{8}}-\d{{4}}$", number), number
    assert number in page.locator("#slip svg.qr").get_attribute("aria-label")
    shots(page, "town-walk-in-slip")

    # Decided, then handed over: the wrong ID card is said beside its field.
    page.goto(f"{town}/window/cases/{number}")
    page.check("#f-outcome-approve")
    page.click("#decision-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=decided$"))
    page.fill("#f-id_number", "34110219900101123X")
    page.click("#hand-over-form button[type=submit]")
    assert "身份证号码与申请人不符" in page.locator("#e-id_number").inner_text()
    page.fill("#f-id_number", journey.APPLICANT["id_number"])
    page.click("#hand-over-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?done=handed$"))
    assert page.locator("#handed-over").is_visible()
    shots(page, "town-walk-in-handed-over")
