"""Appointments at the city center (C5), through the HTTP API on SQLite and PostgreSQL.

Time is driven by overriding the `clock` dependency; the seed's tractor licence examination
(NJ-0001: Feb, Mar, Sep, Oct; Tuesdays and Thursdays; 09:00 and 14:30; 20 places) and a test
item taking appointments on every working day (3 places a slot) are the items booked.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.appointment import dependencies
from city_center.appointment.models import Appointment
from city_center.catalog import bulk
from city_center.catalog import service as catalog_service
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit
from govnet_kit.db import transaction
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions
from tests.tokens import applicant_subject, applicant_token, bearer, key_set, staff_token

EXAM, DAILY = "NJ-0001", "TEST-APPT"
DEPARTMENT = "agricultural_machinery"


def applicant(phone: str) -> dict[str, str]:
    return bearer(applicant_token(phone))


def staff(department: str = DEPARTMENT, tier: str = "city") -> dict[str, str]:
    return bearer(staff_token(tier=tier, place="341100000000", dept=department, roles=["window"]))


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class Clock:
    now = sh(2026, 8, 20)

    def __call__(self) -> datetime:
        return self.now


@pytest_asyncio.fixture(scope="module", params=["sqlite", "postgresql"])
async def app(request, tmp_path_factory):
    """The city's app on the seed catalog plus TEST-APPT; tests book slots of their own."""
    tmp = tmp_path_factory.mktemp("appointments")
    async with fresh_sessions(request.param, tmp) as sessions:
        async with transaction(sessions) as s:
            await bulk.import_catalog(
                s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
            )
            daily = catalog_pb2.CatalogItem()
            daily.CopyFrom(await catalog_service.get_in_force(s, EXAM))
            daily.code, daily.version = DAILY, 1
            daily.seasonal.CopyFrom(
                catalog_pb2.Seasonal(
                    mode=catalog_pb2.SEASONAL_MODE_APPOINTMENT,
                    slot_times=["09:00", "15:00"],
                    slot_capacity=3,
                    note_zh="每个工作日预约",
                    note_en="By appointment on every working day",
                )
            )
            await catalog_service.publish(s, record=daily, actor="system:test")
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        clock = Clock()
        fastapi_app.dependency_overrides[dependencies.clock] = clock
        transport = httpx.ASGITransport(app=fastapi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
            yield client, clock, sessions, request.param
        await runtime.engine.dispose()


@pytest.fixture
def client(app) -> httpx.AsyncClient:
    return app[0]


@pytest.fixture
def clock(app) -> Clock:
    return app[1]


async def book(client, headers, item=DAILY, at=None, name="张三", **extra):
    body = {"item_code": item, "starts_at": at.isoformat(), "name": name, **extra}
    return await client.post("/api/v1/appointments", json=body, headers=headers)


def assert_refused(resp, status: int, field: str, *words: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["field"] == field, body
    assert body["message"] and body["message_zh"] and body["message"] != body["message_zh"]
    for word in words:
        assert word in body["message"] + body["message_zh"], body
    return body


# -- the public list of slots ------------------------------------------------------------------


async def test_the_seed_has_an_appointment_item_and_a_fixed_reception_days_item(client):
    exam = (await client.get(f"/api/v1/catalog/items/{EXAM}")).json()
    settlement = (await client.get("/api/v1/catalog/items/WS-0002")).json()
    assert exam["seasonal"]["mode"] == "SEASONAL_MODE_APPOINTMENT"
    assert settlement["seasonal"]["mode"] == "SEASONAL_MODE_FIXED_RECEPTION_DAYS"
    assert settlement["seasonal"]["reception_weekdays"] == [1, 3, 5]


async def test_anyone_sees_the_slots_around_national_day(client, clock):
    clock.now = sh(2026, 9, 20)
    resp = await client.get(
        "/api/v1/appointments/slots",
        params={"item_code": EXAM, "from": "2026-09-28", "to": "2026-10-11"},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    # Tue 29 Sep; Thu 1 Oct is National Day, Tue 6 Oct a day off; Thu 8 Oct.
    assert [(s["day"], s["time"]) for s in body["slots"]] == [
        ("2026-09-29", "09:00"),
        ("2026-09-29", "14:30"),
        ("2026-10-08", "09:00"),
        ("2026-10-08", "14:30"),
    ]
    assert body["slots"][0]["starts_at"] == "2026-09-29T09:00:00+08:00"
    assert {(s["capacity"], s["free"]) for s in body["slots"]} == {(20, 20)}
    assert body["from"] == "2026-09-28" and body["next_reception_day"] is None
    assert body["note_en"].startswith("Examinations")


async def test_a_make_up_saturday_has_slots_and_a_sunday_has_none(client, clock):
    clock.now = sh(2026, 10, 9)
    resp = await client.get(
        "/api/v1/appointments/slots",
        params={"item_code": DAILY, "from": "2026-10-10", "to": "2026-10-11"},
    )
    assert [s["starts_at"] for s in resp.json()["slots"]] == [
        "2026-10-10T09:00:00+08:00",
        "2026-10-10T15:00:00+08:00",
    ]


async def test_out_of_season_the_list_is_empty_and_names_the_next_reception_day(client, clock):
    clock.now = sh(2026, 7, 1)
    resp = await client.get("/api/v1/appointments/slots", params={"item_code": EXAM})
    body = resp.json()
    assert body["slots"] == [] and body["from"] == "2026-07-01" and body["to"] == "2026-07-14"
    assert body["next_reception_day"] == "2026-09-01"


async def test_slots_before_now_are_not_offered(client, clock):
    clock.now = sh(2026, 9, 29, 9, 0)  # the 09:00 slot has just begun
    resp = await client.get(
        "/api/v1/appointments/slots",
        params={"item_code": EXAM, "from": "2026-09-29", "to": "2026-09-29"},
    )
    assert [s["time"] for s in resp.json()["slots"]] == ["14:30"]


async def test_bad_questions_about_slots_are_refused_naming_the_field(client, clock):
    clock.now = sh(2026, 9, 1)
    url = "/api/v1/appointments/slots"
    too_long = await client.get(
        url, params={"item_code": EXAM, "from": "2026-09-01", "to": "2026-12-01"}
    )
    assert_refused(too_long, 422, "to", "31")
    backwards = await client.get(
        url, params={"item_code": EXAM, "from": "2026-09-10", "to": "2026-09-01"}
    )
    assert_refused(backwards, 422, "to")
    assert_refused(await client.get(url, params={"item_code": "LY-0001"}), 409, "item_code", "预约")
    assert_refused(await client.get(url, params={"item_code": "XX-9999"}), 404, "item_code")
    bad_date = await client.get(url, params={"item_code": EXAM, "from": "2026-13-01"})
    assert bad_date.status_code == 422 and "from" in bad_date.text


# -- booking -----------------------------------------------------------------------------------


async def test_an_applicant_books_sees_and_cancels_and_each_step_is_audited(app, client, clock):
    sessions = app[2]
    clock.now = sh(2026, 8, 20)
    me = applicant("13800000001")
    resp = await book(client, me, EXAM, sh(2026, 9, 1, 9), name="李四")
    assert resp.status_code == 201, resp.text
    booking = resp.json()
    assert booking["status"] == "booked" and booking["day"] == "2026-09-01"
    assert len(booking["reference"]) == 9 and booking["reference"][4] == "-"
    assert "applicant_name" not in booking

    mine = (await client.get("/api/v1/appointments/mine", headers=me)).json()
    assert [b["reference"] for b in mine] == [booking["reference"]]
    slots = await client.get(
        "/api/v1/appointments/slots",
        params={"item_code": EXAM, "from": "2026-09-01", "to": "2026-09-01"},
    )
    assert [(s["time"], s["booked"], s["free"]) for s in slots.json()["slots"]] == [
        ("09:00", 1, 19),
        ("14:30", 0, 20),
    ]

    clock.now = sh(2026, 8, 25)
    cancelled = await client.delete(f"/api/v1/appointments/{booking['id']}", headers=me)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = await client.delete(f"/api/v1/appointments/{booking['id']}", headers=me)
    assert_refused(again, 409, "id", "cancelled", "已取消")

    async with transaction(sessions) as s:
        entries = (
            await s.scalars(
                select(audit.AuditEntry)
                .where(audit.AuditEntry.action.like("appointment.%"))
                .where(audit.AuditEntry.subject_ref == applicant_subject("13800000001"))
                .order_by(audit.AuditEntry.seq)
            )
        ).all()
        assert (await audit.verify(s)).ok
    assert [e.action for e in entries] == ["appointment.booked", "appointment.cancelled"]
    assert entries[0].facts["reference"] == booking["reference"]
    assert "李四" not in entries[0].data and entries[1].at == sh(2026, 8, 25)


async def test_refusals_say_why_and_name_the_field(client, clock):
    clock.now = sh(2026, 8, 20)
    me = applicant("13800000002")
    assert_refused(
        await book(client, me, EXAM, sh(2026, 9, 1, 9, 15)), 422, "starts_at", "09:00, 14:30"
    )
    season = assert_refused(await book(client, me, EXAM, sh(2026, 11, 3, 9)), 409, "starts_at")
    assert season["reason"] == "out_of_season" and season["next_reception_day"] == "2027-02-02"
    wednesday = assert_refused(await book(client, me, EXAM, sh(2026, 9, 2, 9)), 409, "starts_at")
    assert (
        wednesday["reason"] == "not_reception_day"
        and wednesday["next_reception_day"] == "2026-09-03"
    )
    holiday = assert_refused(
        await book(client, me, EXAM, sh(2026, 10, 1, 9)), 409, "starts_at", "National Day", "国庆节"
    )
    assert holiday["next_reception_day"] == "2026-10-08"
    sunday = assert_refused(await book(client, me, DAILY, sh(2026, 9, 27, 9)), 409, "starts_at")
    assert sunday["reason"] == "not_working_day"
    # Sunday 20 September is worked in exchange for 6 October: it takes bookings.
    assert (await book(client, me, DAILY, sh(2026, 9, 20, 15))).status_code == 201
    assert_refused(await book(client, me, "LY-0001", sh(2026, 9, 1, 9)), 409, "item_code")
    assert_refused(await book(client, me, "XX-9999", sh(2026, 9, 1, 9)), 404, "item_code")
    assert_refused(await book(client, me, EXAM, sh(2027, 3, 2, 9)), 422, "starts_at", "180")

    clock.now = sh(2026, 9, 1, 9, 30)
    assert_refused(await book(client, me, EXAM, sh(2026, 9, 1, 9)), 422, "starts_at", "已开始")

    naive = await client.post(
        "/api/v1/appointments",
        json={"item_code": EXAM, "starts_at": "2026-09-03T09:00:00", "name": "王五"},
        headers=me,
    )
    assert_refused(naive, 422, "starts_at", "timezone", "时区")
    wrong_phone = await book(client, me, EXAM, sh(2026, 9, 3, 9), phone="13900000000")
    assert_refused(wrong_phone, 422, "phone", "登录")
    nameless = await book(client, me, EXAM, sh(2026, 9, 3, 9), name="  ")
    assert nameless.status_code == 422 and "name" in nameless.text


async def test_one_active_booking_per_person_and_item(client, clock):
    clock.now = sh(2026, 11, 2)
    me = applicant("13800000003")
    first = await book(client, me, DAILY, sh(2026, 11, 4, 9))
    assert first.status_code == 201
    same_slot = await book(client, me, DAILY, sh(2026, 11, 4, 9))
    assert_refused(same_slot, 409, "starts_at", first.json()["reference"])
    other_slot = await book(client, me, DAILY, sh(2026, 11, 5, 9))
    assert_refused(other_slot, 409, "item_code", "cancel", "取消")
    # Another item is another matter.
    assert (await book(client, me, EXAM, sh(2027, 2, 2, 9))).status_code == 201
    # Once the slot has passed, the booking is no longer active.
    clock.now = sh(2026, 11, 4, 16)
    assert (await book(client, me, DAILY, sh(2026, 11, 5, 9))).status_code == 201
    assert_refused(
        await client.delete(f"/api/v1/appointments/{first.json()['id']}", headers=me),
        409,
        "id",
        "begun",
    )


async def test_a_full_slot_is_refused_until_a_place_is_freed(client, clock):
    clock.now = sh(2026, 11, 2)
    slot = sh(2026, 11, 6, 15)
    ids = []
    for n in range(3):
        resp = await book(client, applicant(f"1380000010{n}"), DAILY, slot)
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    late = applicant("13800000109")
    assert_refused(await book(client, late, DAILY, slot), 409, "starts_at", "full", "约满")
    listed = await client.get(
        "/api/v1/appointments/slots",
        params={"item_code": DAILY, "from": "2026-11-06", "to": "2026-11-06"},
    )
    assert [(s["time"], s["free"]) for s in listed.json()["slots"]] == [("09:00", 3), ("15:00", 0)]
    assert (
        await client.delete(f"/api/v1/appointments/{ids[0]}", headers=staff())
    ).status_code == 200
    assert (await book(client, late, DAILY, slot)).status_code == 201


async def test_concurrent_bookings_fill_the_slot_exactly(app, client, clock):
    sessions = app[2]
    clock.now = sh(2026, 11, 2)
    slot = sh(2026, 11, 9, 9)
    results = await asyncio.gather(
        *(book(client, applicant(f"1381111{n:04d}"), DAILY, slot) for n in range(12))
    )
    assert sorted(r.status_code for r in results) == [201] * 3 + [409] * 9
    async with transaction(sessions) as s:
        count = await s.scalar(
            select(func.count()).where(
                Appointment.item_code == DAILY, Appointment.starts_at == slot
            )
        )
    assert count == 3

    # One person trying several slots at once ends up with one booking.
    me = applicant("13822222222")
    at_once = await asyncio.gather(
        *(book(client, me, DAILY, sh(2026, 11, 23 + d, 9)) for d in range(4))
    )
    assert sorted(r.status_code for r in at_once) == [201, 409, 409, 409]


# -- the window --------------------------------------------------------------------------------


async def test_the_window_books_for_a_caller_who_then_sees_it_as_theirs(client, clock):
    clock.now = sh(2026, 11, 2)
    window = staff()
    for_caller = await book(
        client, window, DAILY, sh(2026, 11, 12, 9), name="赵六", phone="+86 138-0000-0404"
    )
    assert for_caller.status_code == 201, for_caller.text
    caller = applicant("13800000404")
    mine = (await client.get("/api/v1/appointments/mine", headers=caller)).json()
    assert [b["reference"] for b in mine] == [for_caller.json()["reference"]]
    assert_refused(await book(client, caller, DAILY, sh(2026, 11, 13, 9)), 409, "item_code")

    day = (
        await client.get("/api/v1/appointments", params={"day": "2026-11-12"}, headers=window)
    ).json()
    assert [(b["applicant_name"], b["applicant_phone"]) for b in day] == [("赵六", "13800000404")]
    assert day[0]["booked_by"].startswith("staff:")
    center = staff(department="")
    assert (
        len((await client.get("/api/v1/appointments?day=2026-11-12", headers=center)).json()) == 1
    )

    assert_refused(
        await book(client, window, DAILY, sh(2026, 11, 12, 15), name="钱七"), 422, "phone"
    )
    assert_refused(
        await book(client, window, DAILY, sh(2026, 11, 12, 15), name="钱七", phone="12345"),
        422,
        "phone",
    )


async def test_who_may_do_what(client, clock):
    clock.now = sh(2026, 11, 2)
    owner = applicant("13800000505")
    booking = (await book(client, owner, DAILY, sh(2026, 11, 16, 9))).json()
    url = f"/api/v1/appointments/{booking['id']}"
    forestry, town = staff(department="forestry"), staff(tier="town")

    assert (await book(client, {}, DAILY, sh(2026, 11, 16, 9))).status_code == 401
    assert (
        await book(client, forestry, DAILY, sh(2026, 11, 16, 9), phone="13800000506")
    ).status_code == 403
    assert (
        await book(client, town, DAILY, sh(2026, 11, 16, 9), phone="13800000506")
    ).status_code == 403
    assert (await client.delete(url, headers=applicant("13800000506"))).status_code == 404
    assert (await client.delete(url, headers=forestry)).status_code == 403
    assert (await client.get("/api/v1/appointments/mine", headers=forestry)).status_code == 403
    day = {"day": "2026-11-16"}
    assert (await client.get("/api/v1/appointments", params=day, headers=owner)).status_code == 403
    assert (await client.get("/api/v1/appointments", params=day, headers=town)).status_code == 403
    others = await client.get(
        "/api/v1/appointments", params={**day, "item_code": DAILY}, headers=forestry
    )
    assert others.status_code == 403 and others.json()["message_zh"]
    assert (await client.get("/api/v1/appointments", params=day, headers=forestry)).json() == []
    assert (
        await client.delete("/api/v1/appointments/" + "x" * 37, headers=owner)
    ).status_code == 422
    assert (await client.delete(url, headers=staff())).status_code == 200
