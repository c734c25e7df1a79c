"""The township's own appointment book (C5, decision 4) through its JSON API and domain, on
PostgreSQL: window staff see each slot's free places, book for an applicant who phones or walks
in, list the day, cancel with a reason and record the arrival; a full slot, a day the item is
not received, an item the township does not receive and a person's second booking are refused
with the field named in Chinese and English, nothing stored; another township's staff are
refused; two bookings racing for the last place never both succeed; the name and phone are
encrypted at rest and kept out of the audit chain."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest_asyncio
from sqlalchemy import select, text

from govnet_kit import catalog_replica
from govnet_kit.audit import AuditEntry
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict
from tests.town_hall.appointmentkit import (
    CITY_ONLY,
    EXAM,
    FORWARDED,
    NOW,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    bearer,
    clear,
    set_clock,
    slot,
    stored,
    town_app,
)
from tests.town_hall.townkit import CAL
from town_hall.appointment import service

API = f"/api/v1/townships/{TOWNSHIP}/appointments"
TUESDAY = "2026-09-01"


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    async with town_app(tmp_path_factory.mktemp("town-appointments")) as built:
        yield built


@pytest_asyncio.fixture
async def api(app):
    await clear(app[1])
    set_clock(app[0], NOW)
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://town") as client:
        yield client


async def book(api, starts_at: str, *, phone: str, item: str = EXAM, name: str = "钱多多"):  # type: ignore[no-untyped-def]
    body = {"item_code": item, "starts_at": starts_at, "name": name, "phone": phone}
    return await api.post(API, json=body, headers=bearer())


def refused(resp: httpx.Response, status: int, field: str, en: str, zh: str) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["field"] == field, body
    assert en in body["message"] and zh in body["message_zh"], body


async def test_staff_book_for_a_caller_and_see_the_day_and_the_free_places(app, api):
    slots = await api.get(
        f"{API}/slots",
        params={"item_code": EXAM, "from": TUESDAY, "to": "2026-09-03"},
        headers=bearer(),
    )
    assert slots.status_code == 200, slots.text
    # Tuesday and Thursday only, two slots each, two places each.
    assert [(s["day"], s["time"], s["free"]) for s in slots.json()["slots"]] == [
        ("2026-09-01", "09:00", 2),
        ("2026-09-01", "14:30", 2),
        ("2026-09-03", "09:00", 2),
        ("2026-09-03", "14:30", 2),
    ]

    made = await book(api, slot(TUESDAY, "09:00"), phone="138 0013 8000")
    assert made.status_code == 201, made.text
    booking = made.json()
    assert booking["status"] == "booked" and booking["township_code"] == TOWNSHIP
    assert booking["applicant_phone"] == "13800138000"  # as identity normalises it
    assert len(booking["reference"]) == 9

    day = await api.get(API, params={"day": TUESDAY}, headers=bearer())
    assert [(a["reference"], a["applicant_name"]) for a in day.json()] == [
        (booking["reference"], "钱多多")
    ]
    after = await api.get(
        f"{API}/slots",
        params={"item_code": EXAM, "from": TUESDAY, "to": TUESDAY},
        headers=bearer(),
    )
    assert [s["free"] for s in after.json()["slots"]] == [1, 2]

    # At rest the name and phone are ciphertext; the audit chain has neither.
    async with app[1].sessions() as s:
        raw = (
            await s.execute(text("select applicant_name, applicant_phone from town_appointment"))
        ).one()
        assert "钱多多" not in raw[0] and "13800138000" not in raw[1]
        entries = list(
            await s.scalars(select(AuditEntry).where(AuditEntry.action.like("town_appointment.%")))
        )
    assert [e.action for e in entries] == ["town_appointment.booked"]
    assert "钱多多" not in repr(entries[0].data) and "13800138000" not in repr(entries[0].data)


async def test_a_full_slot_is_refused_and_nothing_is_stored(app, api):
    for phone in ("13800000001", "13800000002"):
        assert (await book(api, slot(TUESDAY, "14:30"), phone=phone)).status_code == 201
    third = await book(api, slot(TUESDAY, "14:30"), phone="13800000003")
    refused(third, 409, "starts_at", "is full (2 places)", "已约满（2个名额）")
    assert await stored(app[1]) == 2


async def test_a_day_the_item_is_not_received_is_refused(app, api):
    wednesday = await book(api, slot("2026-09-02", "09:00"), phone="13800000004")
    refused(wednesday, 409, "starts_at", "only on Tuesdays and Thursdays", "仅在每周二、周四受理")
    assert wednesday.json()["next_reception_day"] == "2026-09-03"
    holiday = await book(api, slot("2026-10-01", "09:00"), phone="13800000004")  # National Day
    refused(holiday, 409, "starts_at", "is not a working day", "不是工作日")
    off_slot = await book(api, slot(TUESDAY, "10:00"), phone="13800000004")
    refused(off_slot, 422, "starts_at", "is not one of the slots", "不是事项")
    assert await stored(app[1]) == 0


async def test_an_item_the_township_does_not_receive_and_a_second_booking_are_refused(app, api):
    city = await book(api, slot(TUESDAY, "09:00"), phone="13800000005", item=CITY_ONLY)
    refused(city, 409, "item_code", "not received at a township hall", "不在乡镇便民服务大厅受理")
    # An item the township forwards to the city is received at its window: booked here.
    forwarded = await book(api, slot(TUESDAY, "15:00"), phone="13800000005", item=FORWARDED)
    assert forwarded.status_code == 201, forwarded.text
    again = await book(api, slot("2026-09-02", "09:00"), phone="13800000005", item=FORWARDED)
    refused(again, 409, "item_code", "already booked", "如需改期请先取消")
    bad_phone = await book(api, slot(TUESDAY, "09:00"), phone="12345")
    refused(bad_phone, 422, "phone", "mainland mobile number", "手机号码格式不正确")
    assert await stored(app[1]) == 1


async def test_another_townships_staff_are_refused(app, api):
    mine = await book(api, slot(TUESDAY, "09:00"), phone="13800000006")
    body = {
        "item_code": EXAM,
        "starts_at": slot(TUESDAY, "09:00"),
        "name": "孙",
        "phone": "13800000007",
    }
    other = bearer(OTHER_TOWNSHIP)
    for resp in (
        await api.post(API, json=body, headers=other),
        await api.get(API, params={"day": TUESDAY}, headers=other),
        await api.post(
            f"{API}/{mine.json()['id']}/cancellation", json={"reason": "越权"}, headers=other
        ),
        await api.get(f"{API}/slots", params={"item_code": EXAM}, headers=bearer(tier="village")),
    ):
        assert resp.status_code == 403, resp.text
    assert (await api.post(API, json=body)).status_code == 401
    # In their own book, this township's booking is as if it did not exist.
    theirs = f"/api/v1/townships/{OTHER_TOWNSHIP}/appointments/{mine.json()['id']}/arrival"
    assert (await api.post(theirs, headers=other)).status_code == 404
    assert await stored(app[1]) == 1 and await stored(app[1], status="booked") == 1


async def test_cancel_with_a_reason_frees_the_place(app, api):
    made = (await book(api, slot(TUESDAY, "09:00"), phone="13800000008")).json()
    url = f"{API}/{made['id']}/cancellation"
    no_reason = await api.post(url, json={"reason": " "}, headers=bearer())
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["loc"] == [
        "body",
        "reason",
    ]
    done = await api.post(url, json={"reason": "申请人来电改期"}, headers=bearer())
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "cancelled" and done.json()["cancel_reason"] == "申请人来电改期"
    refused(
        await api.post(url, json={"reason": "再次"}, headers=bearer()),
        409,
        "id",
        "already cancelled",
        "已取消",
    )
    # The place is free again, and the caller may book anew.
    assert (await book(api, slot(TUESDAY, "09:00"), phone="13800000008")).status_code == 201


async def test_arrival_is_recorded_on_the_slots_day(app, api):
    made = (await book(api, slot(TUESDAY, "09:00"), phone="13800000009")).json()
    url = f"{API}/{made['id']}/arrival"
    refused(
        await api.post(url, headers=bearer()), 409, "id", "recorded on its day", "只能在预约当天"
    )
    set_clock(app[0], NOW.replace(day=1, month=9, hour=8, minute=50))
    here = await api.post(url, headers=bearer())
    assert here.status_code == 200 and here.json()["status"] == "arrived"
    # An arrived booking used its place and can no longer be cancelled.
    cancel = await api.post(
        f"{API}/{made['id']}/cancellation", json={"reason": "误操作"}, headers=bearer()
    )
    refused(cancel, 409, "id", "has arrived", "已到场")
    slots = await api.get(
        f"{API}/slots", params={"item_code": EXAM, "from": TUESDAY, "to": TUESDAY}, headers=bearer()
    )
    assert [s["free"] for s in slots.json()["slots"]] == [1, 2]


async def test_two_bookings_racing_for_the_last_place_never_both_succeed(app, api):
    staff = Principal(subject="town-window-1", kind="staff", tier="town", place_code=TOWNSHIP)
    async with transaction(app[1].sessions) as s:
        item = await catalog_replica.current(s, EXAM)
    assert item is not None
    starts = [
        slot(day, hhmm)
        for day in ("2026-09-01", "2026-09-03", "2026-09-08")
        for hhmm in ("09:00", "14:30")
    ]

    async def attempt(starts_at: str, phone: str) -> str:
        try:
            async with transaction(app[1].sessions) as s:
                await service.book(
                    s,
                    township_code=TOWNSHIP,
                    staff=staff,
                    item=item,
                    starts_at=datetime.fromisoformat(starts_at),
                    name="赛跑",
                    phone=phone,
                    now=NOW,
                    calendar=CAL,
                )
            return "booked"
        except Conflict as exc:
            assert exc.field == "starts_at" and "已约满" in exc.message_zh
            return "full"

    for n, starts_at in enumerate(starts):
        assert await attempt(starts_at, f"1390000{n:02d}00") == "booked"  # one of two places
        outcomes = await asyncio.gather(
            attempt(starts_at, f"1390000{n:02d}01"), attempt(starts_at, f"1390000{n:02d}02")
        )
        assert sorted(outcomes) == ["booked", "full"], starts_at
    assert await stored(app[1]) == 2 * len(starts)


async def test_the_day_list_is_the_townships_own(app, api):
    day = TUESDAY
    await book(api, slot(day, "09:00"), phone="13800000010")
    other = await api.get(
        f"/api/v1/townships/{OTHER_TOWNSHIP}/appointments",
        params={"day": day},
        headers=bearer(OTHER_TOWNSHIP),
    )
    assert other.status_code == 200 and other.json() == []
