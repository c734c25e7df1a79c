"""Seasonal items and appointments on the city's pages (C5), without a browser: the city's app
in process on PostgreSQL with the seed catalog, sessions signed by a key of this test, the
clock fixed on Monday 2026-08-31 10:00 Beijing time (the JSON API's `clock` dependency).

A seasonal item's catalog page shows its reception days, and an appointment item's the free
places of the coming days, in Chinese and English; an applicant signed in with their phone
books a slot, sees it among their bookings and cancels it; a full slot and a day the item is
not received are refused beside the field in both languages with nothing stored; the window of
the item's department sees who is coming that day, another department's window does not and is
refused that item's list."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
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
from govnet_kit.db import transaction
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions
from tests.tokens import applicant_token, key_set, staff_token

NOW = datetime(2026, 8, 31, 10, 0, tzinfo=SHANGHAI)  # a Monday
# The tractor licence examination: Feb, Mar, Sep, Oct; Tuesdays and Thursdays; 09:00 and
# 14:30; 20 places a slot.
EXAM = "NJ-0001"
ONE_PLACE = "TEST-APPT1"  # by appointment on every working day, one place a slot
DEPARTMENT = "agricultural_machinery"
TUESDAY_9 = "2026-09-01T09:00:00+08:00"


def token(*, phone: str = "", dept: str = "", roles: tuple[str, ...] = ()) -> str:
    """An applicant's session (by phone), else a city representative's."""
    if phone:
        return applicant_token(phone)
    return staff_token(tier="city", dept=dept, roles=roles or ("chief_representative",))


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city-appointment-pages")
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await bulk.import_catalog(
                s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
            )
            one = catalog_pb2.CatalogItem()
            one.CopyFrom(await catalog_service.get_in_force(s, EXAM))
            one.code, one.version = ONE_PLACE, 1
            one.seasonal.CopyFrom(
                catalog_pb2.Seasonal(
                    mode=catalog_pb2.SEASONAL_MODE_APPOINTMENT,
                    slot_times=["09:00", "15:00"],
                    slot_capacity=1,
                )
            )
            await catalog_service.publish(s, record=one, actor="system:test")
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        fastapi_app.dependency_overrides[dependencies.clock] = lambda: NOW
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
        yield client


async def as_(client: httpx.AsyncClient, session_token: str) -> httpx.AsyncClient:
    client.cookies.set("govnet_session", session_token)
    await client.get("/catalog")  # the CSRF cookie, as a page visit leaves it
    return client


def client_of(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    """Another visitor, with a cookie jar of their own."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app[0]), base_url="http://city")


async def book(client, item: str, starts_at: str, name: str = "钱多多", lang: str = ""):  # type: ignore[no-untyped-def]
    query = f"?lang={lang}" if lang else ""
    return await client.post(
        f"/appointments/new/{item}{query}",
        data={"starts_at": starts_at, "name": name, "csrf": client.cookies["govnet_csrf"]},
    )


async def stored(runtime, item: str) -> int:  # type: ignore[no-untyped-def]
    async with transaction(runtime.sessions) as s:
        return await s.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.item_code == item)
        )


def error_beside(page: str, name: str) -> str:
    found = re.search(rf'<span class="error" id="e-{name}" role="alert">([^<]*)</span>', page)
    assert found, page
    return found.group(1)


async def test_the_catalog_page_shows_reception_days_and_free_slots_in_both_languages(browser):
    zh = await browser.get(f"/catalog/{EXAM}")
    assert zh.status_code == 200
    assert 'id="s-reception"' in zh.text
    assert "每周二、周四（节假日除外）" in zh.text and "2月、3月、9月、10月" in zh.text
    assert "2026年9月1日（周二）" in zh.text  # the first reception day to come
    assert f'data-starts-at="{TUESDAY_9}">09:00 · 余20个名额（共20）' in zh.text
    assert f'href="/appointments/new/{EXAM}?from=2026-08-31"' in zh.text
    en = await browser.get(f"/catalog/{EXAM}?lang=en")
    assert "Tuesdays and Thursdays (not on public holidays)" in en.text
    assert "09:00 · 20 of 20 free" in en.text and "Tuesday 2026-09-01" in en.text
    # Out of season: no slots, and the way to the next reception day.
    late = await browser.get(f"/catalog/{EXAM}?from=2026-11-02")
    assert 'id="no-slots"' in late.text
    assert f'href="/catalog/{EXAM}?from=2027-02-' in late.text
    # An item received on every working day has no such section.
    assert 'id="s-reception"' not in (await browser.get("/catalog/LY-0001")).text


async def test_booking_needs_the_applicants_sign_in(browser):
    resp = await browser.get(f"/appointments/new/{EXAM}")
    assert resp.status_code == 303
    assert resp.headers["location"] == f"/apply/sign-in?next=/appointments/new/{EXAM}"
    assert (await browser.get("/appointments")).headers["location"].startswith("/apply/sign-in")
    staff = await as_(browser, token(dept=DEPARTMENT))
    refused = await staff.get(f"/appointments/new/{EXAM}")
    assert refused.status_code == 403 and "申请人" in refused.text


async def test_an_applicant_books_a_slot_sees_it_and_cancels_it(app, browser):
    runtime = app[1]
    me = await as_(browser, token(phone="13900000011"))
    form = await me.get(f"/appointments/new/{EXAM}")
    assert form.status_code == 200
    assert f'<input type="radio" name="starts_at" value="{TUESDAY_9}"' in form.text
    assert '<label for="f-name">' in form.text  # every field has its label

    before = await stored(runtime, EXAM)
    done = await book(me, EXAM, TUESDAY_9)
    assert done.status_code == 303 and done.headers["location"] == "/appointments?done=booked"
    assert await stored(runtime, EXAM) == before + 1
    mine = await me.get(done.headers["location"])
    assert "预约成功" in mine.text
    row = re.search(r'<tr id="a-([0-9A-Z-]{9})" data-status="booked">', mine.text)
    assert row, mine.text
    assert "2026-09-01 09:00" in mine.text and "拖拉机" in mine.text
    # The catalog shows one place fewer.
    assert "09:00 · 余19个名额（共20）" in (await me.get(f"/catalog/{EXAM}")).text

    # Someone else cannot cancel it: as if it did not exist.
    async with transaction(runtime.sessions) as s:
        booking = await s.scalar(select(Appointment).where(Appointment.reference == row.group(1)))
        booking_id = booking.id
    async with client_of(app) as other:
        await as_(other, token(phone="13900000012"))
        refused = await other.post(
            f"/appointments/{booking_id}/cancellation", data={"csrf": other.cookies["govnet_csrf"]}
        )
        assert refused.status_code == 404 and "无此预约" in refused.text

    cancelled = await me.post(
        f"/appointments/{booking_id}/cancellation", data={"csrf": me.cookies["govnet_csrf"]}
    )
    assert cancelled.status_code == 303
    assert cancelled.headers["location"] == "/appointments?done=cancelled"
    mine = await me.get(cancelled.headers["location"] + "&lang=en")
    assert "The booking is cancelled." in mine.text
    assert f'<tr id="a-{row.group(1)}" data-status="cancelled">' in mine.text
    again = await me.post(
        f"/appointments/{booking_id}/cancellation", data={"csrf": me.cookies["govnet_csrf"]}
    )
    assert again.status_code == 409 and "is already cancelled" in again.text
    assert "09:00 · 余20个名额（共20）" in (await me.get(f"/catalog/{EXAM}?lang=zh")).text


async def test_a_full_slot_is_refused_beside_the_field_in_both_languages(app):
    runtime = app[1]
    slot = "2026-09-02T15:00:00+08:00"

    first, second = client_of(app), client_of(app)
    async with first, second:
        await as_(first, token(phone="13900000021"))
        await as_(second, token(phone="13900000022"))
        assert (await book(first, ONE_PLACE, slot)).status_code == 303
        assert await stored(runtime, ONE_PLACE) == 1
        zh = await book(second, ONE_PLACE, slot, name="孙二")
        assert zh.status_code == 409
        assert "2026-09-02 15:00的时段已约满（1个名额），请选择其他时段" == error_beside(
            zh.text, "starts_at"
        )
        assert 'aria-describedby="e-starts_at"' in zh.text
        assert 'value="孙二"' in zh.text  # what was typed is kept
        en = await book(second, ONE_PLACE, slot, name="Sun Er", lang="en")
        assert en.status_code == 409
        assert "the slot 2026-09-02 15:00 is full (1 place); choose another slot" == (
            error_beside(en.text, "starts_at")
        )
        assert await stored(runtime, ONE_PLACE) == 1  # nothing stored
        # The form shows the slot full and not to be chosen.
        form = await second.get(f"/appointments/new/{ONE_PLACE}?lang=zh")
        assert re.search(rf'value="{re.escape(slot)}"\s+disabled> 15:00 · 已约满', form.text)


async def test_a_day_the_item_is_not_received_is_refused_beside_the_field(app, browser):
    runtime = app[1]
    me = await as_(browser, token(phone="13900000031"))
    before = await stored(runtime, EXAM)
    monday = "2026-09-07T09:00:00+08:00"  # NJ-0001 is received on Tuesdays and Thursdays
    zh = await book(me, EXAM, monday)
    assert zh.status_code == 409
    assert error_beside(zh.text, "starts_at") == (
        "事项NJ-0001仅在每周二、周四受理，下一个接待日是2026年9月8日（周二）"
    )
    en = await book(me, EXAM, monday, lang="en")
    assert error_beside(en.text, "starts_at") == (
        "NJ-0001 is received only on Tuesdays and Thursdays;"
        " the next reception day is Tuesday 2026-09-08"
    )
    holiday = await book(me, ONE_PLACE, "2026-10-01T09:00:00+08:00", lang="en")
    assert "is not a working day" in error_beside(holiday.text, "starts_at")
    # Nor without a slot chosen, nor a name: each beside its field.
    empty = await me.post(
        f"/appointments/new/{EXAM}?lang=zh",
        data={"starts_at": "", "csrf": me.cookies["govnet_csrf"]},
    )
    assert empty.status_code == 422
    assert error_beside(empty.text, "starts_at") == "请选择一个时段"
    assert error_beside(empty.text, "name") == "请填写姓名"
    assert await stored(runtime, EXAM) == before
    mine = await me.get("/appointments")
    assert "您还没有预约" in mine.text  # nothing stored for this applicant


async def test_the_window_sees_who_is_coming_and_only_its_department(app):
    thursday = "2026-09-03T14:30:00+08:00"

    applicant, window, forestry, supervisor = (client_of(app) for _ in range(4))
    async with applicant, window, forestry, supervisor:
        await as_(applicant, token(phone="13900000041"))
        await as_(window, token(dept=DEPARTMENT))
        await as_(forestry, token(dept="forestry"))
        await as_(supervisor, token(roles=("supervisor",)))
        assert (await book(applicant, EXAM, thursday, name="周望农")).status_code == 303

        async with client_of(app) as signed_out:
            resp = await signed_out.get("/desk/appointments")
            assert resp.headers["location"] == "/staff/sign-in?next=/desk/appointments"

        day = await window.get("/desk/appointments?day=2026-09-03")
        assert day.status_code == 200
        assert 'class="name">周望农<' in day.text and "14:30" in day.text
        assert 'id="booked-count">1<' in day.text
        only = await window.get(f"/desk/appointments?day=2026-09-03&item={EXAM}&lang=en")
        assert "周望农" in only.text and "Appointments" in only.text
        # Today (the clock's day) by default, with the desk's link to it.
        assert "Monday 2026-08-31" in (await window.get("/desk/appointments")).text
        assert 'href="/desk/appointments"' in (await window.get("/desk?lang=zh")).text

        # Another department's window: not on its list, and that item's list is refused.
        theirs = await forestry.get("/desk/appointments?day=2026-09-03")
        assert theirs.status_code == 200 and "周望农" not in theirs.text
        refused = await forestry.get(f"/desk/appointments?day=2026-09-03&item={EXAM}")
        assert refused.status_code == 403
        assert "非本部门事项的预约" in refused.text and "周望农" not in refused.text
        # Staff without a window (a supervisor) have no desk.
        assert (await supervisor.get("/desk/appointments")).status_code == 403
