"""The village's fee and record pages in a real browser: a case's fee assessed with the units
counted, a waiver without its reason refused beside the field, cash taken and the receipt
printed on A4 with its QR code, the case page at 360 px; then a mediation opened, held and
settled, a welfare collection recorded, and one matter one discussion from the proposal through
the committees and the representatives' vote to the published decision."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import datetime

import httpx
import pytest
import web_helpers as h
from web_helpers import PHONE

from govnet_kit.personal import id_check_character
from govnet_kit.worktime import SHANGHAI
from tools import journey

pytestmark = pytest.mark.browser

ITEM = "GD-0001"  # 有线电视、电话安装申请: 200.00 yuan, and 50.00 per extra terminal
MATERIALS = ("application", "id_card", "residence_proof")
RECEIPT = re.compile(r"^341102101201-R\d{4}-\d{6}$")


def an_id_number(serial: int) -> str:
    first17 = f"34110219620304{serial:03d}"
    return first17 + id_check_character(first17)


def accepted_cases(platform) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Two villagers' complete applications accepted over the JSON API (the apply page has its
    own browser test): (case number, the applicant's ID card number) each."""
    village = platform.http("village-room")
    serial = uuid.uuid4().int % 999  # people of their own, whatever ran before on the platform
    ids = [an_id_number(serial), an_id_number(serial + 1)]
    out = []
    with httpx.Client(timeout=30.0) as client:
        journey.until(
            f"item {ITEM} at the village",
            lambda: client.get(f"{village}/api/v1/guide/items/{ITEM}").status_code == 200,
            60.0,
        )
        staff = journey.sign_in(client, village, "village.duty", h.password(platform))
        for n, (name, id_number) in enumerate(zip(("孙大山", "李秀英"), ids, strict=True)):
            resp = client.post(
                f"{village}/api/v1/applications",
                json={
                    "place_code": journey.VILLAGE,
                    "item_code": ITEM,
                    "applicant": {
                        **journey.APPLICANT,
                        "name": name,
                        "id_number": id_number,
                        "phone": f"1390000{n:04d}",
                    },
                    "materials": [
                        {
                            "code": code,
                            "filename": f"{code}.pdf",
                            "content_type": "application/pdf",
                            "content_base64": base64.b64encode(b"%PDF-1.4 scan").decode(),
                        }
                        for code in MATERIALS
                    ],
                },
                headers=staff,
            )
            resp.raise_for_status()
            out.append((resp.json()["acceptance_slip"]["case_number"], id_number))
    return out


def submit(page, form: str, url: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"#{form} button[type=submit]")
    page.wait_for_url(re.compile(url))


def test_fee_and_record_pages_in_the_duty_console(platform_pg, page, browser, shots, tmp_path):  # type: ignore[no-untyped-def]
    village = platform_pg.http("village-room")
    (number, first), (_, second) = accepted_cases(platform_pg)
    today = datetime.now(SHANGHAI).date().isoformat()
    h.sign_in(page, village, h.password(platform_pg))

    # The fee as assessed from the catalog, then with two extra terminals counted.
    page.goto(f"{village}/duty/cases/{number}")
    assert page.locator("#fee-amount").inner_text() == "200.00"
    assert page.locator("#fee-status").inner_text() == "待缴费"
    page.fill("#f-units", "2")
    submit(page, "assess-form", r"\?done=assessed#fee$")
    assert page.locator("#fee-amount").inner_text() == "300.00"
    shots(page, "fee-assessed")

    # A waiver with too short a reason: said beside the field, and the fee still due.
    page.fill("#f-reason", "困难")
    with page.expect_response(lambda r: r.url.endswith("/fee/waiver")) as answer:
        page.click("#waive-form button[type=submit]")
    assert answer.value.status == 422
    assert page.locator("#e-reason").inner_text() == "减免须写明理由（5至500个字）"
    assert page.locator("#f-reason").get_attribute("aria-describedby") == "e-reason"
    assert page.locator("#fee-status").inner_text() == "待缴费"
    shots(page, "fee-waiver-needs-reason")

    # Cash at the window: the receipt, printable on A4 with the case number as text and QR.
    page.select_option("#f-method", "cash")
    submit(page, "pay-form", r"/receipt\?done=paid$")
    receipt = page.locator("#receipt-number").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    assert page.locator("#case-number").inner_text().strip() == number
    assert page.locator("#receipt-total").inner_text() == "300.00"
    assert page.locator("svg.qr").get_attribute("aria-label").endswith(number)
    shots(page, "receipt")
    page.emulate_media(media="print")
    assert page.locator("header.site").is_hidden() and page.locator("svg.qr").is_visible()
    pdf = tmp_path / "receipt.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    page.emulate_media(media="screen")
    page.click(f"a[href='/duty/cases/{number}']")
    assert page.locator("#fee-status").inner_text() == "已缴费"
    assert page.locator("#receipt-number").inner_text() == receipt
    assert page.locator("#pay-form").count() == 0

    # The case page with its fee at a phone's 360 px: nothing scrolls sideways.
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        phone.add_cookies(page.context.cookies())
        small = phone.new_page()
        small.goto(f"{village}/duty/cases/{number}")
        assert small.locator("#receipt-number").is_visible()
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shots(small, "case-fee-phone")
    finally:
        phone.close()

    # Civil mediation between the two villagers: opened, a session held, an agreement.
    page.goto(f"{village}/duty/mediations")
    page.select_option("#f-dispute_type", "neighbour")
    page.fill("#f-parties", f"{first}\n{second}")
    page.fill("#f-summary", "两户院墙排水纠纷（浏览器）")
    submit(page, "mediation-form", r"/duty/mediations/[0-9a-f-]+\?done=opened$")
    assert page.locator("#status").inner_text() == "调解中"
    assert page.locator("#parties .person").count() == 2
    assert "孙**" in page.locator("#parties").inner_text()  # masked, never the full name
    page.fill("#f-held_on", today)
    page.fill("#f-notes", "双方到场，约定共同修排水沟")
    submit(page, "session-form", r"\?done=session$")
    page.check("input[name=outcome][value=agreement]")
    page.fill("#f-agreement", "排水沟由两户共同出资修建")
    submit(page, "outcome-form", r"\?done=closed$")
    assert page.locator("#status").inner_text() == "达成协议"
    shots(page, "mediation-agreement")

    # A benefit collected for the first villager, listed with its receipt.
    slip_number = f"R-{uuid.uuid4().hex[:8]}"
    page.goto(f"{village}/duty/welfare")
    page.select_option("#f-benefit", "elderly_allowance")
    page.fill("#f-beneficiary_applicant_id", first)
    page.fill("#f-period", today[:7])
    page.fill("#f-amount", "150.50")
    page.fill("#f-receipt_number", slip_number)
    submit(page, "welfare-form", r"/duty/welfare\?done=collected$")
    row = page.locator(f"tr[data-receipt='{slip_number}']")
    assert "150.50" in row.inner_text() and "孙**" in row.inner_text()
    shots(page, "welfare-collected")

    # One matter, one discussion: representatives, a proposal, the committees' study ...
    page.goto(f"{village}/duty/meetings")
    for name, group in (("王大", "一组"), ("李二", "二组"), ("张三", "三组")):
        page.fill("#f-display_name", f"{name}（浏览器）")
        page.fill("#f-group_name", group)
        submit(page, "representative-form", r"/duty/meetings\?done=added$")
    page.goto(f"{village}/duty/proposals")
    page.fill("#f-title", "硬化二组村道（浏览器）")
    page.fill("#f-content", "每户筹资，村里补助")
    page.fill("#f-proposer_applicant_id", second)
    submit(page, "proposal-form", r"/duty/proposals/[0-9a-f-]+\?done=filed$")
    proposal = page.url.split("?")[0]
    pid = proposal.rsplit("/", 1)[1]
    page.fill("#f-committees_opinion", "同意提交村民代表会议")
    submit(page, "study-form", r"\?done=studied$")
    assert page.locator("#status").inner_text() == "待会议表决"
    shots(page, "proposal-studied")

    # ... the representatives' meeting, every one present, their votes, the decision, published.
    page.goto(f"{village}/duty/meetings")
    page.fill("#f-held_on", today)
    for box in page.locator("#present input[type=checkbox]").all():
        box.check()
    submit(page, "meeting-form", r"/duty/meetings/[0-9a-f-]+\?done=convened$")
    votes = page.locator(f"#vote-{pid} select").all()
    assert len(votes) >= 3
    for n, vote in enumerate(votes):
        vote.select_option("against" if n == 0 else "for")
    submit(page, f"vote-{pid}", r"\?done=voted$")
    shots(page, "meeting-votes")
    submit(page, f"decide-{pid}", rf"/duty/proposals/{pid}\?done=decided$")
    assert page.locator("#status").inner_text() == "通过"
    assert page.locator("#decision").inner_text().startswith(f"通过：赞成 {len(votes) - 1}，反对 1")
    submit(page, "publish-form", r"\?done=published$")
    assert page.locator("#published").is_visible()
    shots(page, "decision-published")
