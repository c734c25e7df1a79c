"""The township's appointment book at its window, without a browser (C5): the hall's app in
process on PostgreSQL, the clock fixed on Monday 2026-08-31 10:00 Beijing time. From the staff
menu, the window books a slot for a caller with the free places shown, sees the day's list,
cancels with a reason and records the arrival, which links to the walk-in form; a bad phone, no
slot, a full slot or a cancel without reason is refused beside the field, in Chinese and
English, nothing stored; the seasonal page links its appointment items to the book; staff of
another tier or township are refused."""

from __future__ import annotations

import re

import httpx
import pytest_asyncio

from tests.town_hall.appointmentkit import (
    CITY_ONLY,
    EXAM,
    FORWARDED,
    NOW,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    clear,
    set_clock,
    slot,
    stored,
    token,
    town_app,
)

PAGE = "/window/appointments"
TUESDAY = "2026-09-01"


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    async with town_app(tmp_path_factory.mktemp("town-appointment-pages")) as built:
        yield built


@pytest_asyncio.fixture
async def browser(app):
    await clear(app[1])
    set_clock(app[0], NOW)
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://town") as client:
        yield client


async def as_(client: httpx.AsyncClient, session: str, lang: str = "zh") -> httpx.AsyncClient:
    client.cookies.set("govnet_session", session)
    await client.get(f"/window/sign-in?lang={lang}")  # the CSRF and language cookies
    return client


def post(client: httpx.AsyncClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf": client.cookies["govnet_csrf"]})


def book(client, starts_at: str, *, phone: str, item: str = EXAM, name: str = "钱多多", lang=""):  # type: ignore[no-untyped-def]
    path = PAGE + (f"?lang={lang}" if lang else "")
    return post(client, path, item_code=item, starts_at=starts_at, name=name, phone=phone)


def by_id(page: httpx.Response, element_id: str) -> str:
    found = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', page.text)
    assert found, f"no #{element_id} on the page"
    return found.group(1).strip()


def option(page: httpx.Response, starts_at: str) -> str:
    found = re.search(rf'<option value="{re.escape(starts_at)}"([^>]*)>([^<]*)<', page.text)
    assert found, f"no slot {starts_at} offered"
    return (found.group(1) + "|" + found.group(2)).strip()


async def test_the_window_books_for_a_caller_and_sees_the_day(app, browser):
    signed_out = await browser.get(PAGE)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/window/sign-in?next={PAGE}"
    staff = await as_(browser, token())
    page = await staff.get(f"{PAGE}?day={TUESDAY}")
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.text  # on the staff menu
    # The appointment items this hall receives; not the city's own.
    assert f'<option value="{EXAM}"' in page.text and f'<option value="{FORWARDED}"' in page.text
    assert f'<option value="{CITY_ONLY}"' not in page.text
    assert "剩余2个名额" in option(page, slot(TUESDAY, "09:00"))
    assert by_id(page, "no-appointments") == "当日没有预约。"

    done = await book(staff, slot(TUESDAY, "09:00"), phone="13800138000")
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert location.startswith(f"{PAGE}?day={TUESDAY}&item={EXAM}&done=booked&ref=")
    ref = location.rsplit("=", 1)[1]
    after = await staff.get(location)
    assert by_id(after, "flash") == f"已预约，预约号 {ref}。"
    row = after.text.split(f'id="appt-{ref}"')[1].split("</tr>")[0]
    assert "钱多多" in row and "13800138000" in row and "已预约" in row
    assert "剩余1个名额" in option(after, slot(TUESDAY, "09:00"))

    english = await staff.get(f"{PAGE}?day={TUESDAY}&lang=en")
    assert "1 of 2 places free" in option(english, slot(TUESDAY, "09:00"))
    assert "The day&#39;s appointments" in english.text and "booked" in english.text


async def test_refusals_are_beside_the_field_in_both_languages_and_store_nothing(app, browser):
    staff = await as_(browser, token())
    bad_phone = await book(staff, slot(TUESDAY, "09:00"), phone="12345")
    assert bad_phone.status_code == 422
    assert by_id(bad_phone, "e-phone") == "手机号码格式不正确"
    assert 'value="钱多多"' in bad_phone.text  # what was typed stays
    no_slot = await book(staff, "", phone="13800138000")
    assert no_slot.status_code == 422 and by_id(no_slot, "e-starts_at") == "请选择预约时段"
    wednesday = await book(staff, slot("2026-09-02", "09:00"), phone="13800138000")
    assert wednesday.status_code == 422
    assert by_id(wednesday, "e-starts_at").startswith(f"事项{EXAM}仅在每周二、周四受理")
    no_name = await book(staff, slot(TUESDAY, "09:00"), phone="13800138000", name=" ", lang="en")
    assert no_name.status_code == 422 and by_id(no_name, "e-name").startswith("String should")
    english = await book(staff, slot(TUESDAY, "09:00"), phone="12345", lang="en")
    assert by_id(english, "e-phone") == "phone must be a mainland mobile number"
    assert await stored(app[1]) == 0

    # The forwarded item has one place per slot: the second caller is refused, and the page
    # then shows the slot full.
    assert (
        await book(staff, slot(TUESDAY, "15:00"), phone="13800000001", item=FORWARDED)
    ).status_code == 303
    full = await book(staff, slot(TUESDAY, "15:00"), phone="13800000002", item=FORWARDED, lang="zh")
    assert full.status_code == 422
    assert by_id(full, "e-starts_at") == "2026-09-01 15:00的时段已约满（1个名额），请选择其他时段"
    assert option(full, slot(TUESDAY, "15:00")).startswith("disabled")
    assert "已约满" in option(full, slot(TUESDAY, "15:00"))
    full_en = await book(
        staff, slot(TUESDAY, "15:00"), phone="13800000002", item=FORWARDED, lang="en"
    )
    assert by_id(full_en, "e-starts_at").startswith("the slot 2026-09-01 15:00 is full")
    assert await stored(app[1]) == 1


async def test_cancel_needs_a_reason_and_arrival_leads_to_acceptance(app, browser):
    staff = await as_(browser, token())
    first = await book(staff, slot(TUESDAY, "09:00"), phone="13800000003")
    second = await book(staff, slot(TUESDAY, "14:30"), phone="13800000004", name="孙小红")
    page = await staff.get(first.headers["location"])
    ids = re.findall(r'action="/window/appointments/([0-9a-f-]+)/cancellation"', page.text)
    assert len(ids) == 2
    first_id, second_id = ids

    blank = await post(staff, f"{PAGE}/{second_id}/cancellation", reason="", day=TUESDAY)
    assert blank.status_code == 422
    assert by_id(blank, f"e-reason-{second_id}") == "请填写取消原因"
    assert await stored(app[1], status="booked") == 2
    cancelled = await post(
        staff, f"{PAGE}/{second_id}/cancellation", reason="申请人来电改期", day=TUESDAY
    )
    assert cancelled.status_code == 303
    page = await staff.get(cancelled.headers["location"])
    assert by_id(page, "flash") == "预约已取消，名额已释放。"
    ref = second.headers["location"].rsplit("=", 1)[1]
    row = page.text.split(f'id="appt-{ref}"')[1].split("</tr>")[0]
    assert "已取消" in row and "申请人来电改期" in row

    # The arrival button shows on the slot's day only.
    assert f"/window/appointments/{first_id}/arrival" not in page.text
    set_clock(app[0], NOW.replace(month=9, day=1, hour=8, minute=50))
    today = await staff.get(PAGE)
    assert f"/window/appointments/{first_id}/arrival" in today.text
    came = await post(staff, f"{PAGE}/{first_id}/arrival", day=TUESDAY)
    assert came.status_code == 303
    page = await staff.get(came.headers["location"])
    assert by_id(page, "flash") == "已登记到场，请为申请人受理。"
    assert f'href="/window/apply?item={EXAM}"' in page.text
    english = await staff.get(f"{PAGE}?lang=en")
    assert "Accept the case" in english.text and "arrived" in english.text


async def test_staff_of_another_township_or_tier_are_refused(app, browser):
    staff = await as_(browser, token())
    made = await book(staff, slot(TUESDAY, "09:00"), phone="13800000005")
    assert made.status_code == 303
    page = await staff.get(made.headers["location"])
    [appointment_id] = re.findall(r'/window/appointments/([0-9a-f-]+)/cancellation"', page.text)

    other = await as_(browser, token(OTHER_TOWNSHIP))
    theirs = await other.get(f"{PAGE}?day={TUESDAY}")
    assert theirs.status_code == 200 and "钱多多" not in theirs.text
    gone = await post(other, f"{PAGE}/{appointment_id}/cancellation", reason="越权", day=TUESDAY)
    assert gone.status_code == 404
    village = await as_(browser, token(tier="village"))
    assert (await village.get(PAGE)).status_code == 403
    assert await stored(app[1], status="booked") == 1


async def test_the_seasonal_page_links_its_appointment_items_to_the_book(browser):
    staff = await as_(browser, token())
    page = await staff.get("/window/seasonal")
    exam = page.text.split(f'id="item-{EXAM}"')[1].split("</article>")[0]
    assert f'href="/window/appointments?item={EXAM}"' in exam
    public = await browser.get(f"/townships/{TOWNSHIP}/seasonal?lang=en")
    exam = public.text.split(f'id="item-{EXAM}"')[1].split("</article>")[0]
    assert "book at this hall&#39;s window or by phoning the hall" in exam
    assert "/window/appointments" not in exam
