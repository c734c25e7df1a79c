"""A fee receipt names who collected: "收款人 / Collected by: 李村务 (staff id)", from the name in
the collector's session, kept with the payment, on the printed page and in the JSON API's
receipt, whether paid through the pages or the API (C6, issue 8)."""

from __future__ import annotations

import base64
import uuid

import httpx
import pytest

from govnet_kit.personal import id_check_character
from tools import journey

pytestmark = pytest.mark.e2e

ITEM = "GD-0001"  # 有线电视、电话安装申请: a fee of 200.00 yuan
MATERIALS = ("application", "id_card", "residence_proof")
NAME = "李村务"  # village.duty's display name in the demo accounts


def _accept(client: httpx.Client, village: str, staff: dict[str, str]) -> str:
    first17 = f"34110219620304{uuid.uuid4().int % 999:03d}"
    resp = client.post(
        f"{village}/api/v1/applications",
        json={
            "place_code": journey.VILLAGE,
            "item_code": ITEM,
            "applicant": {**journey.APPLICANT, "id_number": first17 + id_check_character(first17)},
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
    return resp.json()["acceptance_slip"]["case_number"]


def test_the_receipt_names_the_staff_member_who_collected(platform_pg):
    village = platform_pg.http("village-room")
    password = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    with httpx.Client(base_url=village, timeout=30.0) as client:
        journey.until(
            f"item {ITEM} at the village",
            lambda: client.get(f"/api/v1/guide/items/{ITEM}").status_code == 200,
            60.0,
        )
        session = client.post(
            "/api/v1/session", json={"username": "village.duty", "password": password}
        ).json()  # the session cookie stays with the client, for the pages
        staff = {"Authorization": f"Bearer {session['access_token']}"}
        collector = f"{NAME} ({session['staff_id']})"
        by_api, by_page = _accept(client, village, staff), _accept(client, village, staff)

        paid = client.post(
            f"/api/v1/cases/{by_api}/fee/payments", json={"method": "cash"}, headers=staff
        )
        assert paid.status_code == 201, paid.text
        assert paid.json()["collected_by"] == collector
        assert f"收款人 Collected by: {collector}" in paid.json()["text"].splitlines()

        client.get(f"/duty/cases/{by_page}")  # the form's token comes with the page
        form = client.post(
            f"/duty/cases/{by_page}/fee/payment",
            data={"method": "cash", "csrf": client.cookies["govnet_csrf"]},
        )
        assert form.status_code == 303, form.text
        for number in (by_api, by_page):
            page = client.get(f"/duty/cases/{number}/receipt", params={"lang": "zh"})
            assert page.status_code == 200
            assert f'<p id="collected-by">收款人：{collector}</p>' in page.text
            english = client.get(f"/duty/cases/{number}/receipt", params={"lang": "en"})
            assert f'<p id="collected-by">Collected by: {collector}</p>' in english.text
