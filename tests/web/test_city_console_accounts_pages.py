"""The administrator's staff accounts and delegations in a real browser (issue 8): an account
created (its first password shown once), a taken login refused beside its field, a delegation
of the forestry bureau granted to its deputy representative and revoked, and the page read in
English after the language switch. Only what this test makes is changed on the shared
platform: the demo representative's own delegation is left alone."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import city_helpers as ch
import pytest
import web_helpers as h

from govnet_kit.worktime import SHANGHAI

pytestmark = pytest.mark.browser

VILLAGE = "341102101201"


def submit(page, form: str, url: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"#{form} button[type=submit]")
    page.wait_for_url(re.compile(url))


def test_staff_accounts_and_delegations_in_the_console(platform_pg, page, shots):  # type: ignore[no-untyped-def]
    city = platform_pg.http("city-center")
    ch.sign_in(page, city, h.password(platform_pg), "city.admin", "/console/staff")

    # A new account: its first password shown on the answer, once.
    username = f"village.browser.{uuid.uuid4().hex[:6]}"
    page.fill("#f-display_name", "郑浏览")
    page.fill("#f-username", username)
    page.select_option("#f-tier", "village")
    page.fill("#f-place_code", VILLAGE)
    page.check("#f-roles input[value=village_staff]")
    page.click("#new-account button[type=submit]")
    page.wait_for_selector("#initial-password")
    assert page.locator("#created-username").inner_text() == username
    assert len(page.locator("#initial-password").inner_text().strip()) >= 20
    shots(page, "account-created")

    # The same login again: refused beside the field, what was typed kept, nothing created.
    page.goto(f"{city}/console/staff")
    page.fill("#f-display_name", "郑浏览二")
    page.fill("#f-username", username)
    page.select_option("#f-tier", "village")
    page.fill("#f-place_code", VILLAGE)
    page.check("#f-roles input[value=village_staff]")
    with page.expect_response(lambda r: r.url.endswith("/console/staff")) as answer:
        page.click("#new-account button[type=submit]")
    assert answer.value.status == 409
    assert page.locator("#e-username").inner_text() == f"用户名 {username} 已被使用"
    assert page.locator("#f-username").get_attribute("aria-describedby") == "e-username"
    assert page.locator("#f-display_name").input_value() == "郑浏览二"
    assert page.locator("#initial-password").count() == 0
    assert page.locator(f"tr[data-username='{username}']").count() == 1
    shots(page, "taken-login-refused")

    # The forestry bureau's delegations: one granted to the deputy for LY-0001 ...
    page.goto(f"{city}/console")
    page.click("a[href='/console/delegations']")
    page.select_option("#f-department", "forestry")
    submit(page, "department-choice", r"/console/delegations\?department=forestry$")
    page.select_option("#f-representative_id", label="刘副首席 (forestry.deputy)")
    page.check("#f-item_codes input[value=LY-0001]")
    last = datetime.now(SHANGHAI).date() + timedelta(days=30)
    page.fill("#f-valid_until", last.isoformat())
    submit(page, "grant-form", r"done=granted$")
    newest = page.locator("#grant-list tbody tr").first
    assert newest.get_attribute("data-state") == "in_force"
    assert "刘副首席" in newest.inner_text() and "LY-0001" in newest.inner_text()
    grant_id = newest.get_attribute("data-grant")
    shots(page, "delegation-granted")

    # ... and revoked, with its reason; then listed revoked, with no revoke form.
    row = page.locator(f"tr[data-grant='{grant_id}']")
    row.locator(f"#f-reason-{grant_id}").fill("浏览器测试结束")
    row.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"done=revoked$"))
    row = page.locator(f"tr[data-grant='{grant_id}']")
    assert row.get_attribute("data-state") == "revoked"
    assert "浏览器测试结束" in row.inner_text() and row.locator("form").count() == 0
    assert page.locator("p.flash").inner_text().startswith("授权已撤销")
    shots(page, "delegation-revoked")

    # The same page in English, the department still chosen.
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("h1").inner_text() == "Approval delegations and substitutions"
    assert page.locator("html").get_attribute("lang") == "en"
    row = page.locator(f"tr[data-grant='{grant_id}']")
    assert "revoked" in row.inner_text()
    assert page.locator("#grant-form button[type=submit]").inner_text() == "Grant"
    shots(page, "delegations-in-english")
    page.click("#lang-switch")  # back to Chinese for the tests after this one
    page.wait_for_url(re.compile(r"lang=zh"))
