"""The fee at the township window, without a browser (C6, "one window collects"): the township's
app in process on PostgreSQL, tokens signed by a key of this test, a walk-in case of a township
item charging 30 yuan and 5 for each extra certificate. The case page shows the fee as assessed
from the hall's catalog copy and assesses it again with the units counted; a payment at the
window gives a receipt number of the township and a printable A4 receipt with the case number
as text and QR code; a waiver without its reason is refused beside the field in Chinese and
English with nothing stored; a second payment is refused; the JSON API does the same through the
same domain, audited; staff of another township or tier are refused and change nothing; a case
a village forwarded is collected at the village, not again here."""

from __future__ import annotations

import re
import time

import httpx
import pytest_asyncio
from sqlalchemy import select

import town_hall.models  # noqa: F401 - registers the service's tables
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import catalog_replica
from govnet_kit.audit import AuditEntry
from govnet_kit.db import transaction, utcnow
from govnet_kit.pages import qr_svg
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions
from tests.tokens import bearer, key_set, staff_token
from tests.town_hall.townkit import (
    CAL,
    ITEMS,
    OTHER_TOWNSHIP,
    RESETTLEMENT,
    TOWNSHIP,
    VILLAGE,
    load_catalog,
    transfer,
)
from town_hall.case import service as case_service
from town_hall.case import walkin
from town_hall.case.models import TownCase
from town_hall.config import TownHallSettings
from town_hall.fee.models import TownFeeCharge
from town_hall.main import build

ITEM = "MZ-0901"  # a township item with a fee: 30.00 yuan, 5.00 per extra certificate
RECEIPT = re.compile(rf"^{TOWNSHIP}-R{utcnow().astimezone(SHANGHAI).year}-\d{{6}}$")


def fee_item() -> catalog_pb2.CatalogItem:
    out = catalog_pb2.CatalogItem()
    out.CopyFrom(next(i for i in ITEMS if i.code == RESETTLEMENT))
    out.code = ITEM
    out.fee_fen, out.fee_per_unit_fen = 3000, 500
    out.fee_unit_zh, out.fee_unit_en = "份副本", "extra certificate"
    out.fee_basis_zh, out.fee_basis_en = "示例收费依据", "sample fee basis"
    return out


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("town-fees")
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
            await catalog_replica.store(s, fee_item())
        settings = TownHallSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app, _ = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    """A fresh cookie jar: a visitor of their own."""
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://town") as client:
        yield client


@pytest_asyncio.fixture
async def case(app) -> str:
    """A walk-in case of the item accepted at the window (the domain's own path), by number."""
    async with transaction(app[1].sessions) as s:
        outcome = await walkin.apply(
            s,
            township_code=TOWNSHIP,
            staff_id="town-window-1",
            item_code=ITEM,
            applicant=walkin.ApplicantData(name="钱小梅", id_number="34110219900101123X"),
            materials=[
                walkin.MaterialData(c, f"{c}.pdf", "application/pdf", b"scan")
                for c in ("application", "household_register", "proof")
            ],
            calendar=CAL,
        )
    assert outcome.kind == "accepted" and outcome.case is not None
    return outcome.case.case_number


async def as_(client: httpx.AsyncClient, token: str, lang: str = "zh") -> httpx.AsyncClient:
    client.cookies.set("govnet_session", token)
    await client.get(f"/window/sign-in?lang={lang}")  # the CSRF and language cookies
    return client


def post(client: httpx.AsyncClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf": client.cookies["govnet_csrf"]})


def by_id(page: httpx.Response, element_id: str) -> str:
    """The text inside the element with this id (flat: no tags inside)."""
    found = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', page.text)
    assert found, f"no #{element_id} on the page"
    return found.group(1).strip()


async def charge_of(app, number: str) -> TownFeeCharge | None:
    async with transaction(app[1].sessions) as s:
        case_id = select(TownCase.id).where(TownCase.case_number == number)
        return await s.scalar(
            select(TownFeeCharge).where(TownFeeCharge.case_id == case_id.scalar_subquery())
        )


async def actions(app, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The audit chain's actions about the case, in order (refusals are in it too)."""
    async with app[1].sessions() as s:
        return list(
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.case_number == number)
                .order_by(AuditEntry.seq)
            )
        )


async def test_the_case_page_shows_the_fee_assessed_and_again_with_the_units(browser, case):
    staff = await as_(browser, staff_token(tier="town"))
    page = await staff.get(f"/window/cases/{case}")
    assert page.status_code == 200
    assert by_id(page, "fee-amount") == "30.00" and by_id(page, "fee-status") == "待缴费"
    for form in ("assess-form", "pay-form", "waive-form"):
        assert f'id="{form}"' in page.text, form
    assert f'action="/window/cases/{case}/fee/payment"' in page.text
    assert "每份副本 5.00 元" in page.text

    counted = await post(staff, f"/window/cases/{case}/fee", units="2")
    assert counted.status_code == 303
    assert counted.headers["location"] == f"/window/cases/{case}?done=assessed#fee"
    page = await staff.get(counted.headers["location"])
    assert by_id(page, "fee-amount") == "40.00" and "费用已按计费数量重新核定" in page.text
    assert 'name="units" type="number" value="2"' in page.text

    for typed in ("-1", "", "2.5", "100001"):
        bad = await post(staff, f"/window/cases/{case}/fee", units=typed)
        assert bad.status_code == 422, typed
        assert by_id(bad, "e-units") == "请填写 0 至 100000 的整数", typed
    english = await staff.get(f"/window/cases/{case}?lang=en")
    assert by_id(english, "fee-amount") == "40.00" and by_id(english, "fee-status") == "due"


async def test_a_payment_gives_a_township_receipt_printable_on_a4(app, browser, case):
    staff = await as_(browser, staff_token(tier="town", sub="town-cashier"))
    no_receipt = await staff.get(f"/window/cases/{case}/receipt")
    assert no_receipt.status_code == 409 and "暂无收据：该费用待缴费" in no_receipt.text

    paid = await post(staff, f"/window/cases/{case}/fee/payment", method="cash")
    assert paid.status_code == 303
    assert paid.headers["location"] == f"/window/cases/{case}/receipt?done=paid"
    receipt = await staff.get(paid.headers["location"])
    assert receipt.status_code == 200 and "已收费，请打印收据交申请人" in receipt.text
    number = by_id(receipt, "receipt-number")
    assert RECEIPT.match(number), number
    assert by_id(receipt, "case-number") == case and by_id(receipt, "receipt-total") == "30.00"
    assert by_id(receipt, "method") == "现金" and "town-cashier" in receipt.text
    assert "乡镇便民服务大厅" in receipt.text and 'href="/window"' in receipt.text
    # Printable: the A4 stylesheet, the case number as a QR code beside the text.
    assert '<link rel="stylesheet" href="/assets/print.css" media="print">' in receipt.text
    assert 'class="printable"' in receipt.text
    assert str(qr_svg(case, label=f"办件编号二维码：{case}")) in receipt.text
    english = await staff.get(f"/window/cases/{case}/receipt?lang=en")
    assert "Fee receipt" in english.text and by_id(english, "method") == "cash"

    page = await staff.get(f"/window/cases/{case}?lang=zh")
    assert by_id(page, "fee-status") == "已缴费" and by_id(page, "receipt-number") == number
    assert f'href="/window/cases/{case}/receipt"' in page.text
    assert 'id="pay-form"' not in page.text and 'id="waive-form"' not in page.text

    again = await post(staff, f"/window/cases/{case}/fee/payment", method="card")
    assert again.status_code == 409
    assert by_id(again, "e-fee_status") == f"无法收费：该费用已缴费（收据号 {number}）"
    await staff.get(f"/window/cases/{case}?lang=en")
    waive = await post(staff, f"/window/cases/{case}/fee/waiver", reason="家庭困难，乡镇同意减免")
    assert waive.status_code == 409
    assert by_id(waive, "e-fee_status") == (
        f"cannot waive: the fee is already paid (receipt {number})"
    )
    charge = await charge_of(app, case)
    assert (charge.receipt_number, charge.method, charge.waiver_reason) == (number, "cash", None)  # type: ignore[union-attr]
    assert (await actions(app, case)).count("fee.paid") == 1


async def test_a_waiver_needs_its_reason_beside_the_field(app, browser, case):
    staff = await as_(browser, staff_token(tier="town", sub="town-clerk"))
    refused = await post(staff, f"/window/cases/{case}/fee/waiver", reason="   ")
    assert refused.status_code == 422
    assert by_id(refused, "e-reason") == "减免须写明理由（5至500个字）"
    assert 'aria-describedby="e-reason"' in refused.text
    assert by_id(refused, "fee-status") == "待缴费"
    await staff.get(f"/window/cases/{case}?lang=en")
    english = await post(staff, f"/window/cases/{case}/fee/waiver", reason="poor")
    assert english.status_code == 422
    assert by_id(english, "e-reason") == "a waiver needs a reason of 5 to 500 characters"
    assert ">poor</textarea>" in english.text  # the input kept, to correct it
    charge = await charge_of(app, case)
    assert (charge.status, charge.waiver_reason, charge.waived_by) == ("due", None, None)  # type: ignore[union-attr]

    await staff.get(f"/window/cases/{case}?lang=zh")
    waived = await post(
        staff, f"/window/cases/{case}/fee/waiver", reason="低保户，经乡镇研究同意减免"
    )
    assert waived.status_code == 303
    page = await staff.get(waived.headers["location"])
    assert "费用已减免，理由已记录" in page.text and by_id(page, "fee-status") == "已减免"
    assert by_id(page, "waiver-reason") == "低保户，经乡镇研究同意减免"
    assert 'id="pay-form"' not in page.text
    charge = await charge_of(app, case)
    assert (charge.status, charge.waived_by) == ("waived", "town-clerk")  # type: ignore[union-attr]
    assert "fee.waived" in await actions(app, case)


async def test_the_json_api_collects_through_the_same_domain_and_audits(app, browser, case):
    staff = bearer(staff_token(tier="town", sub="town-api"))
    fee = await browser.get(f"/api/v1/cases/{case}/fee", headers=staff)
    assert fee.status_code == 200, fee.text
    assert (fee.json()["status"], fee.json()["amount_fen"]) == ("due", 3000)
    assessed = await browser.post(f"/api/v1/cases/{case}/fee", json={"units": 1}, headers=staff)
    assert assessed.status_code == 200 and assessed.json()["amount_yuan"] == "35.00"

    no_reason = await browser.post(
        f"/api/v1/cases/{case}/fee/waiver", json={"reason": "no"}, headers=staff
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason" and "减免须写明理由" in no_reason.text
    bad_method = await browser.post(
        f"/api/v1/cases/{case}/fee/payments", json={"method": "cheque"}, headers=staff
    )
    assert bad_method.status_code == 422
    assert (await charge_of(app, case)).status == "due"  # type: ignore[union-attr]

    paid = await browser.post(
        f"/api/v1/cases/{case}/fee/payments", json={"method": "card"}, headers=staff
    )
    assert paid.status_code == 201, paid.text
    receipt = paid.json()
    assert RECEIPT.match(receipt["receipt_number"]) and receipt["amount_yuan"] == "35.00"
    assert receipt["case_number"] == case and receipt["place_code"] == TOWNSHIP
    assert f"办件编号 Case No.: {case}" in receipt["text"] and receipt["method_zh"] == "刷卡"
    again = await browser.post(
        f"/api/v1/cases/{case}/fee/payments", json={"method": "cash"}, headers=staff
    )
    assert again.status_code == 409 and receipt["receipt_number"] in again.text
    fetched = await browser.get(f"/api/v1/cases/{case}/fee/receipt", headers=staff)
    assert fetched.json()["receipt_number"] == receipt["receipt_number"]

    done = await actions(app, case)
    assert [a for a in done if a in ("fee.assessed", "fee.paid", "fee.waived")] == [
        "fee.assessed",
        "fee.assessed",
        "fee.paid",
    ]
    assert done.count("fee.refused") == 2  # the short reason, the second payment


async def test_another_township_or_tier_is_refused_and_changes_nothing(app, browser, case):
    pages = [f"/window/cases/{case}", f"/window/cases/{case}/receipt"]
    posts = {
        "fee": {"units": "2"},
        "fee/payment": {"method": "cash"},
        "fee/waiver": {"reason": "他乡镇代为减免"},
    }
    for token, says in (
        (staff_token(tier="town", place=OTHER_TOWNSHIP), "无权办理其他地区的事项"),
        (staff_token(place=VILLAGE), "无权在本层级办理"),
    ):
        other = await as_(browser, token)
        for path in pages:
            resp = await other.get(path)
            assert resp.status_code == 403 and says in resp.text, path
        for path, form in posts.items():
            resp = await post(other, f"/window/cases/{case}/{path}", **form)
            assert resp.status_code == 403 and says in resp.text, path
            assert 'id="fee"' not in resp.text  # an error page, not the case's
        api = bearer(token)
        assert (await browser.get(f"/api/v1/cases/{case}/fee", headers=api)).status_code == 403
        for path, body in (
            ("fee/payments", {"method": "cash"}),
            ("fee/waiver", {"reason": "x" * 9}),
        ):
            resp = await browser.post(f"/api/v1/cases/{case}/{path}", json=body, headers=api)
            assert resp.status_code == 403, path
    assert await charge_of(app, case) is None  # not even assessed by their visits
    browser.cookies.clear()
    signed_out = await browser.get(f"/window/cases/{case}/receipt")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/window/sign-in?next=/window/cases/{case}/receipt"
    assert (await browser.get(f"/api/v1/cases/{case}/fee")).status_code == 401


async def test_a_case_a_village_forwarded_is_collected_there_not_again(app, browser):
    forwarded = transfer(seq=int(time.time()) % 9000 + 1, item_code=ITEM)
    async with transaction(app[1].sessions) as s:
        await case_service.receive(s, transfer=forwarded, sender="service:village-room")
    number = forwarded.case_number
    staff = await as_(browser, staff_token(tier="town"))
    page = await staff.get(f"/window/cases/{number}")
    assert page.status_code == 200 and "本件由受理地村便民服务室收费" in page.text
    assert 'id="pay-form"' not in page.text
    refused = await post(staff, f"/window/cases/{number}/fee/payment", method="cash")
    assert refused.status_code == 409 and VILLAGE in refused.text
    api = await browser.get(f"/api/v1/cases/{number}/fee", headers=bearer(staff_token(tier="town")))
    assert api.status_code == 409 and api.json()["field"] == "fee"
    assert await charge_of(app, number) is None
