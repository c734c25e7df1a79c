"""Fees at the village window (C6): assessed from the case's catalog version, paid at the window
with receipt numbers in order, paid online through the test provider's signed callback, waived
only with a reason, and refused clearly when they are paid already or asked by the wrong person.
Through the village's HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

import village_room.models  # noqa: F401 - registers the service's tables
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import catalog_replica, fees
from govnet_kit.audit import AuditEntry
from govnet_kit.db import transaction
from govnet_kit.payments import SIGNATURE_HEADER
from govnet_kit.worktime import WorkCalendar
from tests.dbkit import fresh_sessions
from tests.tokens import applicant_token, bearer, key_set, staff_token
from village_room.case import service as case_service
from village_room.config import VillageRoomSettings
from village_room.fee import service as fee_service
from village_room.fee.router import payment_provider
from village_room.main import build

VILLAGE, OTHER_VILLAGE = "341102101201", "341102101202"
ALL = ("application", "id_card", "forest_right", "felling_design")
CALLBACK = "/api/v1/payments/callback"


def staff(place: str, tier: str = "village") -> dict[str, str]:
    return bearer(staff_token(tier=tier, place=place, roles=["village_staff"]))


def applicant(phone: str) -> dict[str, str]:
    return bearer(applicant_token(phone))


def item(code: str, version: int = 1, **fee: object) -> catalog_pb2.CatalogItem:
    """The tree felling permit's record (accepted at the village as agent) with another fee."""
    out = catalog_pb2.CatalogItem()
    out.CopyFrom(TREE_FELLING_PERMIT)
    out.code, out.version = code, version
    out.fee_fen = out.fee_per_unit_fen = 0
    out.fee_basis_zh, out.fee_basis_en = "示例收费依据", "sample fee basis"
    for name, value in fee.items():
        setattr(out, name, value)
    return out


# Outcomes of the test provider by the last two fen digits: 02 declined, otherwise paid.
ITEMS = [
    item("FEE-PAY", fee_fen=5000),
    item("FEE-DECL", fee_fen=2002),
    item(
        "FEE-UNIT",
        fee_fen=20000,
        fee_per_unit_fen=5000,
        fee_unit_zh="个加装终端",
        fee_unit_en="extra terminal",
    ),
]


@pytest_asyncio.fixture(scope="module", params=["sqlite", "postgresql"])
async def app(request, tmp_path_factory):
    """The village's app on a real database with the catalog copy; each test makes its own
    cases (and, where numbers matter, in a place of its own)."""
    tmp = tmp_path_factory.mktemp("fees")
    async with fresh_sessions(request.param, tmp) as sessions:
        async with transaction(sessions) as s:
            for record in [TREE_FELLING_PERMIT, *ITEMS]:
                await catalog_replica.store(s, record)
        settings = VillageRoomSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        transport = httpx.ASGITransport(app=fastapi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://village") as client:
            yield client, runtime, payment_provider(fastapi_app)
        await runtime.engine.dispose()


@pytest.fixture
def client(app) -> httpx.AsyncClient:
    return app[0]


async def accept(app, item_code: str, *, place: str = VILLAGE, phone: str = "13800000001") -> str:
    """A case accepted at the window (the case domain's own path), by its number."""
    _, runtime, _ = app
    async with transaction(runtime.sessions) as s:
        outcome = await case_service.apply(
            s,
            place_code=place,
            staff_id="staff-v",
            item_code=item_code,
            applicant=case_service.ApplicantData(
                name="赵大山", id_number="341102198001011232", phone=phone
            ),
            materials=[
                case_service.MaterialData(
                    code=c, filename=f"{c}.pdf", content_type="application/pdf", content=b"scan"
                )
                for c in ALL
            ],
            visit=None,
            calendar=WorkCalendar(confirmed_years=[2025, 2026, 2027]),
        )
    assert outcome.kind == "accepted"
    return outcome.case.case_number


async def audit_actions(app, case_number: str) -> list[str]:
    async with app[1].sessions() as s:
        rows = await s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.case_number == case_number)
            .order_by(AuditEntry.seq)
        )
        return list(rows.all())


async def is_settled(app, case_number: str) -> bool:
    async with transaction(app[1].sessions) as s:
        return await fee_service.settled(s, await case_service.get_case(s, case_number))


def bilingual_refusal(resp: httpx.Response, status: int, field: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["field"] == field
    assert re.search(r"[\u4e00-\u9fff]", body["message_zh"]) and body["message"].isascii()
    return body


# -- assessment --------------------------------------------------------------------------------


async def test_the_fee_is_assessed_from_the_case_catalog_version(app, client):
    number = await accept(app, "FEE-UNIT")
    # The city publishes a dearer version after the case was accepted: the case keeps its own.
    async with transaction(app[1].sessions) as s:
        await catalog_replica.store(s, item("FEE-UNIT", 2, fee_fen=99900))
    try:
        desk = staff(VILLAGE)
        fee = (await client.get(f"/api/v1/cases/{number}/fee", headers=desk)).json()
        assert (fee["status"], fee["status_zh"], fee["amount_yuan"]) == ("due", "待缴费", "200.00")
        assert fee["item_version"] == 1 and fee["fee_basis_en"] == "sample fee basis"

        counted = await client.post(f"/api/v1/cases/{number}/fee", json={"units": 3}, headers=desk)
        assert counted.status_code == 200, counted.text
        expected = fees.assess(ITEMS[2], units=3)
        got = counted.json()
        assert got["amount_fen"] == expected.amount_fen == 35000
        assert [(ln["label_en"], ln["amount_fen"]) for ln in got["lines"]] == [
            (ln.label_en, ln.amount_fen) for ln in expected.lines
        ]
        assert got["lines"][1]["label_zh"] == "3 × 每个加装终端 50.00 元"
    finally:
        async with transaction(app[1].sessions) as s:
            row = await s.get(catalog_replica.CatalogReplica, ("FEE-UNIT", 2))
            await s.delete(row)

    # Units only where the item charges per unit; a bad count names the field.
    other = await accept(app, "FEE-PAY")
    resp = await client.post(f"/api/v1/cases/{other}/fee", json={"units": 2}, headers=desk)
    bilingual_refusal(resp, 422, "units")
    negative = await client.post(f"/api/v1/cases/{other}/fee", json={"units": -1}, headers=desk)
    assert negative.status_code == 422 and "units" in negative.text


async def test_a_free_item_shows_free_and_needs_no_payment(app, client):
    number = await accept(app, "LY-0001")
    desk = staff(VILLAGE)
    fee = (await client.get(f"/api/v1/cases/{number}/fee", headers=desk)).json()
    assert (fee["status"], fee["status_en"], fee["amount_fen"]) == ("free", "free of charge", 0)
    assert await is_settled(app, number)
    paid = await client.post(
        f"/api/v1/cases/{number}/fee/payments", json={"method": "cash"}, headers=desk
    )
    bilingual_refusal(paid, 409, "status")
    receipt = await client.get(f"/api/v1/cases/{number}/fee/receipt", headers=desk)
    bilingual_refusal(receipt, 409, "status")


# -- at the window ----------------------------------------------------------------------------


async def test_window_payments_get_receipt_numbers_in_order(app, client):
    place = "341102101299"  # a place of its own: its numbers start at 1
    desk = staff(place)
    numbers = [await accept(app, "FEE-PAY", place=place) for _ in range(3)]
    assert not await is_settled(app, numbers[0])
    receipts = []
    for number, method in zip(numbers, ["cash", "card", "cash"], strict=True):
        resp = await client.post(
            f"/api/v1/cases/{number}/fee/payments", json={"method": method}, headers=desk
        )
        assert resp.status_code == 201, resp.text
        receipts.append(resp.json())
    year = receipts[0]["paid_at"][:4]
    assert [r["receipt_number"] for r in receipts] == [
        f"{place}-R{year}-{n:06d}" for n in (1, 2, 3)
    ]
    printed = (await client.get(f"/api/v1/cases/{numbers[1]}/fee/receipt", headers=desk)).json()
    assert printed["receipt_number"] == receipts[1]["receipt_number"]
    assert (printed["amount_yuan"], printed["method"], printed["method_zh"]) == (
        "50.00",
        "card",
        "刷卡",
    )
    for text in ["缴费收据 / Fee receipt", printed["receipt_number"], numbers[1], "50.00 元 yuan"]:
        assert text in printed["text"]
    assert "林木采伐许可" in printed["text"] and "ree felling" in printed["text"]
    assert await is_settled(app, numbers[0])
    assert (await audit_actions(app, numbers[0]))[-2:] == ["fee.assessed", "fee.paid"]


async def test_payments_at_the_same_time_take_every_number_once(app, client):
    place = "341102101298"
    desk = staff(place)
    numbers = [await accept(app, "FEE-PAY", place=place) for _ in range(4)]
    responses = await asyncio.gather(
        *(
            client.post(f"/api/v1/cases/{n}/fee/payments", json={"method": "cash"}, headers=desk)
            for n in numbers
        )
    )
    assert [r.status_code for r in responses] == [201] * 4
    got = sorted(int(r.json()["receipt_number"].rsplit("-", 1)[1]) for r in responses)
    assert got == [1, 2, 3, 4]


async def test_paying_twice_or_waiving_a_paid_fee_is_refused(app, client):
    number = await accept(app, "FEE-PAY")
    desk = staff(VILLAGE)
    first = await client.post(
        f"/api/v1/cases/{number}/fee/payments", json={"method": "cash"}, headers=desk
    )
    assert first.status_code == 201
    again = await client.post(
        f"/api/v1/cases/{number}/fee/payments", json={"method": "card"}, headers=desk
    )
    body = bilingual_refusal(again, 409, "status")
    assert first.json()["receipt_number"] in body["message"] and "已缴费" in body["message_zh"]
    waiver = await client.post(
        f"/api/v1/cases/{number}/fee/waiver",
        json={"reason": "家庭困难，村委会证明"},
        headers=desk,
    )
    bilingual_refusal(waiver, 409, "status")
    fee = (await client.get(f"/api/v1/cases/{number}/fee", headers=desk)).json()
    assert (fee["status"], fee["method"]) == ("paid", "cash")
    assert (await audit_actions(app, number)).count("fee.refused") == 2
    bad = await client.post(
        f"/api/v1/cases/{number}/fee/payments", json={"method": "bitcoin"}, headers=desk
    )
    assert bad.status_code == 422 and "method" in bad.text


async def test_a_waiver_needs_a_reason_on_record(app, client):
    number = await accept(app, "FEE-PAY")
    desk = staff(VILLAGE)
    for reason in ["", "   ", "困难"]:
        resp = await client.post(
            f"/api/v1/cases/{number}/fee/waiver", json={"reason": reason}, headers=desk
        )
        bilingual_refusal(resp, 422, "reason")
    missing = await client.post(f"/api/v1/cases/{number}/fee/waiver", json={}, headers=desk)
    assert missing.status_code == 422 and "reason" in missing.text
    assert not await is_settled(app, number)

    ok = await client.post(
        f"/api/v1/cases/{number}/fee/waiver",
        json={"reason": "  最低生活保障对象，依规减免  "},
        headers=desk,
    )
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["waiver_reason"]) == (
        "waived",
        "最低生活保障对象，依规减免",
    )
    assert await is_settled(app, number)
    async with app[1].sessions() as s:
        entry = await s.scalar(
            select(AuditEntry).where(
                AuditEntry.case_number == number, AuditEntry.action == "fee.waived"
            )
        )
    assert entry.facts == {"amount_fen": 5000, "reason": "最低生活保障对象，依规减免"}


async def test_only_the_case_village_staff_and_its_applicant_see_or_take_the_fee(app, client):
    number = await accept(app, "FEE-PAY", phone="13800000077")
    for headers in [staff(OTHER_VILLAGE), staff(VILLAGE[:9] + "000", tier="town")]:
        paid = await client.post(
            f"/api/v1/cases/{number}/fee/payments", json={"method": "cash"}, headers=headers
        )
        assert paid.status_code == 403 and paid.json()["message_zh"]
        assert (await client.get(f"/api/v1/cases/{number}/fee", headers=headers)).status_code == 403
    # The applicant sees their fee but takes no window payment; someone else's case is not found.
    mine = await client.get(f"/api/v1/cases/{number}/fee", headers=applicant("13800000077"))
    assert mine.status_code == 200 and mine.json()["status"] == "due"
    window = await client.post(
        f"/api/v1/cases/{number}/fee/payments",
        json={"method": "cash"},
        headers=applicant("13800000077"),
    )
    assert window.status_code == 403
    theirs = await client.get(f"/api/v1/cases/{number}/fee", headers=applicant("13900000000"))
    assert theirs.status_code == 404
    assert (await client.get(f"/api/v1/cases/{number}/fee")).status_code == 401
    assert not await is_settled(app, number)


# -- online -----------------------------------------------------------------------------------


async def pay_online(app, client, item_code: str, phone: str) -> tuple[str, dict]:
    number = await accept(app, item_code, phone=phone)
    resp = await client.post(
        f"/api/v1/cases/{number}/fee/online-payments", headers=applicant(phone)
    )
    assert resp.status_code == 201, resp.text
    order = resp.json()
    assert order["status"] == "pending" and order["pay_url"].startswith("https://")
    return number, order


async def test_online_payment_is_settled_by_the_signed_callback_once(app, client):
    number, order = await pay_online(app, client, "FEE-PAY", "13800000101")
    provider = app[2]
    body, headers = provider.callback(order["provider_order_id"])
    first = await client.post(CALLBACK, content=body, headers=headers)
    assert first.status_code == 200 and first.json() == {"result": "paid"}
    fee = (await client.get(f"/api/v1/cases/{number}/fee", headers=staff(VILLAGE))).json()
    assert (fee["status"], fee["method"], fee["online_order"]["status"]) == (
        "paid",
        "online",
        "paid",
    )
    assert re.fullmatch(rf"{VILLAGE}-R\d{{4}}-\d{{6}}", fee["receipt_number"])

    repeated = await client.post(CALLBACK, content=body, headers=headers)
    assert repeated.status_code == 200 and repeated.json() == {"result": "repeat"}
    receipt = await client.get(
        f"/api/v1/cases/{number}/fee/receipt", headers=applicant("13800000101")
    )
    assert receipt.json()["receipt_number"] == fee["receipt_number"]
    assert (await audit_actions(app, number)).count("fee.paid") == 1
    assert await is_settled(app, number)


async def test_a_declined_online_payment_leaves_the_fee_due(app, client):
    number, order = await pay_online(app, client, "FEE-DECL", "13800000102")
    body, headers = app[2].callback(order["provider_order_id"])
    resp = await client.post(CALLBACK, content=body, headers=headers)
    assert resp.json() == {"result": "declined"}
    fee = (await client.get(f"/api/v1/cases/{number}/fee", headers=applicant("13800000102"))).json()
    assert (fee["status"], fee["online_order"]["status"], fee["receipt_number"]) == (
        "due",
        "declined",
        None,
    )
    assert "fee.online_declined" in await audit_actions(app, number)
    # The window still takes it.
    paid = await client.post(
        f"/api/v1/cases/{number}/fee/payments", json={"method": "cash"}, headers=staff(VILLAGE)
    )
    assert paid.status_code == 201


async def test_a_refresh_asks_the_provider_when_no_callback_came(app, client):
    number, _ = await pay_online(app, client, "FEE-PAY", "13800000103")
    fee = (await client.get(f"/api/v1/cases/{number}/fee", headers=applicant("13800000103"))).json()
    assert (fee["status"], fee["method"]) == ("paid", "online")


async def test_a_forged_callback_is_refused_and_recorded(app, client):
    number, order = await pay_online(app, client, "FEE-PAY", "13800000104")
    body, headers = app[2].callback(order["provider_order_id"])
    cheaper = json.dumps({**json.loads(body), "amount_fen": 1}).encode()
    forged = [
        (cheaper, headers),
        (body, {**headers, SIGNATURE_HEADER: "sha256=" + "0" * 64}),
        (body, {"Content-Type": "application/json"}),
    ]
    too_large = await client.post(CALLBACK, content=b"x" * 70_000, headers=headers)
    bilingual_refusal(too_large, 422, "body")
    for content, hdrs in forged:
        resp = await client.post(CALLBACK, content=content, headers=hdrs)
        bilingual_refusal(resp, 403, "signature")
    async with app[1].sessions() as s:
        refused = list(
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused"))
        )
    assert sum(e.facts.get("path") == CALLBACK for e in refused) >= len(forged)
    async with transaction(app[1].sessions) as s:
        charge = await fee_service.charge_for(
            s, await case_service.get_case(s, number), actor="test"
        )
        assert charge.status == "due"


async def test_staff_do_not_pay_online_for_the_applicant(app, client):
    number = await accept(app, "FEE-PAY")
    resp = await client.post(f"/api/v1/cases/{number}/fee/online-payments", headers=staff(VILLAGE))
    assert resp.status_code == 403
