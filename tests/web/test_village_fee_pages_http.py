"""The fee on the village's case page, without a browser (C6): the village's app in process on
PostgreSQL, tokens signed by a key of this test, a case of the cable TV and telephone item (200
yuan, and 50 for each extra terminal) accepted at the window. The fee shows as assessed from
the catalog and is assessed again with the units counted; a payment at the window gives a
receipt number and a printable receipt with the case number as text and QR code; a waiver
without its reason is refused beside the field in Chinese and English with nothing stored; a
second payment is refused beside the fee's status; staff of another village or tier are
refused and change nothing."""

from __future__ import annotations

import re

import httpx
import pytest_asyncio
from sqlalchemy import select

import village_room.models  # noqa: F401 - registers the service's tables
from city_center.seed import seed_item
from govnet_kit import catalog_replica
from govnet_kit.audit import AuditEntry
from govnet_kit.db import transaction, utcnow
from govnet_kit.pages import qr_svg
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from tests.dbkit import fresh_sessions
from tests.tokens import key_set, staff_token
from village_room.case import service as case_service
from village_room.case.models import VillageCase
from village_room.config import VillageRoomSettings
from village_room.fee.models import FeeCharge
from village_room.main import build

VILLAGE, OTHER_VILLAGE, TOWNSHIP = "341102101201", "341102101202", "341102101000"
ITEM = "GD-0001"  # 有线电视、电话安装申请: 200.00 yuan, 50.00 per extra terminal
MATERIALS = ("application", "id_card", "residence_proof")
RECEIPT = re.compile(rf"^{VILLAGE}-R{utcnow().astimezone(SHANGHAI).year}-\d{{6}}$")


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("village-fees")
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await catalog_replica.store(s, seed_item(ITEM))
        settings = VillageRoomSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    """A fresh cookie jar: a visitor of their own."""
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://village") as client:
        yield client


@pytest_asyncio.fixture
async def case(app) -> str:
    """A case of the item accepted at the window (the case domain's own path), by number."""
    _, runtime = app
    async with transaction(runtime.sessions) as s:
        outcome = await case_service.apply(
            s,
            place_code=VILLAGE,
            staff_id="staff-v",
            item_code=ITEM,
            applicant=case_service.ApplicantData(
                name="赵大山", id_number="341102198001011232", phone="13800000001"
            ),
            materials=[
                case_service.MaterialData(
                    code=c, filename=f"{c}.pdf", content_type="application/pdf", content=b"scan"
                )
                for c in MATERIALS
            ],
            visit=None,
            calendar=WorkCalendar(confirmed_years=[2025, 2026, 2027]),
        )
    assert outcome.kind == "accepted"
    return outcome.case.case_number


async def as_(client: httpx.AsyncClient, token: str, lang: str = "zh") -> httpx.AsyncClient:
    client.cookies.set("govnet_session", token)
    await client.get(f"/lookup?lang={lang}")  # the CSRF and language cookies a visit leaves
    return client


def post(client: httpx.AsyncClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf": client.cookies["govnet_csrf"]})


def by_id(page: httpx.Response, element_id: str) -> str:
    """The text inside the element with this id (flat: no tags inside)."""
    found = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', page.text)
    assert found, f"no #{element_id} on the page"
    return found.group(1).strip()


async def charge_of(app, number: str) -> FeeCharge | None:
    async with transaction(app[1].sessions) as s:
        case_id = select(VillageCase.id).where(VillageCase.case_number == number)
        return await s.scalar(
            select(FeeCharge).where(FeeCharge.case_id == case_id.scalar_subquery())
        )


async def test_the_fee_is_shown_as_assessed_and_again_with_the_units_counted(browser, case):
    staff = await as_(browser, staff_token())
    page = await staff.get(f"/duty/cases/{case}")
    assert page.status_code == 200
    assert by_id(page, "fee-amount") == "200.00" and by_id(page, "fee-status") == "待缴费"
    for form in ("assess-form", "pay-form", "waive-form"):
        assert f'id="{form}"' in page.text, form
    assert "每个加装终端 50.00 元" in page.text  # the unit price beside the count

    counted = await post(staff, f"/duty/cases/{case}/fee", units="3")
    assert counted.status_code == 303
    assert counted.headers["location"] == f"/duty/cases/{case}?done=assessed#fee"
    page = await staff.get(counted.headers["location"])
    assert by_id(page, "fee-amount") == "350.00" and "3 × 每个加装终端 50.00 元" in page.text
    assert 'name="units" type="number" value="3"' in page.text

    for typed in ("-1", "", "2.5", "100001"):
        bad = await post(staff, f"/duty/cases/{case}/fee", units=typed)
        assert bad.status_code == 422, typed
        assert by_id(bad, "e-units") == "请填写 0 至 100000 的整数", typed
    assert by_id(await staff.get(f"/duty/cases/{case}"), "fee-amount") == "350.00"


async def test_a_payment_gives_a_receipt_number_and_a_printable_receipt(app, browser, case):
    staff = await as_(browser, staff_token(sub="cashier-1"))
    no_receipt = await staff.get(f"/duty/cases/{case}/receipt")
    assert no_receipt.status_code == 409 and "暂无收据：该费用待缴费" in no_receipt.text

    paid = await post(staff, f"/duty/cases/{case}/fee/payment", method="card")
    assert paid.status_code == 303
    assert paid.headers["location"] == f"/duty/cases/{case}/receipt?done=paid"
    receipt = await staff.get(paid.headers["location"])
    assert receipt.status_code == 200 and "已收费，请打印收据交申请人" in receipt.text
    number = by_id(receipt, "receipt-number")
    assert RECEIPT.match(number), number
    assert by_id(receipt, "case-number") == case and by_id(receipt, "receipt-total") == "200.00"
    assert by_id(receipt, "method") == "刷卡" and "cashier-1" in receipt.text
    # Printable: the A4 stylesheet, the case number as a QR code beside the text.
    assert '<link rel="stylesheet" href="/assets/print.css" media="print">' in receipt.text
    assert 'class="printable"' in receipt.text
    assert str(qr_svg(case, label=f"办件编号二维码：{case}")) in receipt.text

    page = await staff.get(f"/duty/cases/{case}")
    assert by_id(page, "fee-status") == "已缴费" and by_id(page, "receipt-number") == number
    assert f'href="/duty/cases/{case}/receipt"' in page.text
    assert 'id="pay-form"' not in page.text and 'id="waive-form"' not in page.text
    english = await staff.get(f"/duty/cases/{case}/receipt?lang=en")
    assert "Fee receipt" in english.text and by_id(english, "method") == "card"
    assert (await charge_of(app, case)).receipt_number == number  # type: ignore[union-attr]


async def test_a_second_payment_is_refused_beside_the_fee_status(app, browser, case):
    staff = await as_(browser, staff_token())
    first = await post(staff, f"/duty/cases/{case}/fee/payment", method="cash")
    assert first.status_code == 303
    number = (await charge_of(app, case)).receipt_number  # type: ignore[union-attr]

    again = await post(staff, f"/duty/cases/{case}/fee/payment", method="cash")
    assert again.status_code == 409
    assert by_id(again, "e-fee_status") == f"无法收费：该费用已缴费（收据号 {number}）"
    assert by_id(again, "receipt-number") == number  # the page still says who paid, once
    await staff.get(f"/duty/cases/{case}?lang=en")
    english = await post(staff, f"/duty/cases/{case}/fee/payment", method="card")
    assert by_id(english, "e-fee_status") == (
        f"cannot take a payment: the fee is already paid (receipt {number})"
    )
    waive = await post(staff, f"/duty/cases/{case}/fee/waiver", reason="家庭困难，村委会同意")
    assert waive.status_code == 409 and "already paid" in by_id(waive, "e-fee_status")
    charge = await charge_of(app, case)
    assert (charge.receipt_number, charge.method, charge.waiver_reason) == (number, "cash", None)  # type: ignore[union-attr]
    async with app[1].sessions() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.case_number == case)
                .order_by(AuditEntry.seq)
            )
        )
    assert actions.count("fee.paid") == 1 and actions.count("fee.refused") == 3


async def test_a_waiver_needs_its_reason_said_beside_the_field(app, browser, case):
    staff = await as_(browser, staff_token(sub="clerk-2"))
    refused = await post(staff, f"/duty/cases/{case}/fee/waiver", reason="   ")
    assert refused.status_code == 422
    assert by_id(refused, "e-reason") == "减免须写明理由（5至500个字）"
    assert 'aria-describedby="e-reason"' in refused.text
    assert by_id(refused, "fee-status") == "待缴费"
    await staff.get(f"/duty/cases/{case}?lang=en")
    english = await post(staff, f"/duty/cases/{case}/fee/waiver", reason="poor")
    assert english.status_code == 422
    assert by_id(english, "e-reason") == "a waiver needs a reason of 5 to 500 characters"
    assert ">poor</textarea>" in english.text  # the input kept, to correct it
    charge = await charge_of(app, case)
    assert (charge.status, charge.waiver_reason, charge.waived_by) == ("due", None, None)  # type: ignore[union-attr]

    await staff.get(f"/duty/cases/{case}?lang=zh")
    waived = await post(
        staff, f"/duty/cases/{case}/fee/waiver", reason="低保户，村委会研究同意减免"
    )
    assert waived.status_code == 303
    page = await staff.get(waived.headers["location"])
    assert "费用已减免，理由已记录" in page.text and by_id(page, "fee-status") == "已减免"
    assert by_id(page, "waiver-reason") == "低保户，村委会研究同意减免"
    assert 'id="pay-form"' not in page.text
    charge = await charge_of(app, case)
    assert (charge.status, charge.waived_by) == ("waived", "clerk-2")  # type: ignore[union-attr]


async def test_staff_of_another_village_or_tier_are_refused(app, browser, case):
    paths = [f"/duty/cases/{case}", f"/duty/cases/{case}/receipt"]
    posts = {
        "fee": {"units": "2"},
        "fee/payment": {"method": "cash"},
        "fee/waiver": {"reason": "他村代为减免"},
    }
    for token, says in (
        (staff_token(place=OTHER_VILLAGE), "无权办理其他地区的事项"),
        (staff_token(tier="town", place=TOWNSHIP), "无权在本层级办理"),
    ):
        other = await as_(browser, token)
        for path in paths:
            resp = await other.get(path)
            assert resp.status_code == 403 and says in resp.text, path
        for path, form in posts.items():
            resp = await post(other, f"/duty/cases/{case}/{path}", **form)
            assert resp.status_code == 403 and says in resp.text, path
            assert 'id="fee"' not in resp.text  # an error page, not the case's
    assert await charge_of(app, case) is None  # not even assessed by their visits
    browser.cookies.clear()
    signed_out = await browser.get(f"/duty/cases/{case}/receipt")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/duty/sign-in?next=/duty/cases/{case}/receipt"
