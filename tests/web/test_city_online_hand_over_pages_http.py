"""The city's hand-over of online cases' results on the desk's pages (T1, L4), without a
browser, in Chinese and English: the desk links the results waiting; a case not decided has
nothing to hand over; a wrong ID card or a missing tracking number is said beside its field
and nothing changes; another department's staff are refused; once handed over the case leaves
the list, its page says so, and the public look-up page goes from "ready to collect, where" to
"handed over". Also: "My bookings" on the public menu, and a one-place slot said "1 place"."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime

import httpx
import pytest_asyncio

from city_center.catalog import service as catalog_service
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import appointments
from govnet_kit.db import transaction
from tests.city_center.onlinekit import (
    ID_NUMBER,
    OTHER_ID_NUMBER,
    apply_online,
    city_app,
    client_of,
    decide,
    token,
)

ONE_PLACE = "TEST-APPT1"  # by appointment on every working day, one place a slot


@pytest_asyncio.fixture
async def city(tmp_path):
    async with city_app(tmp_path) as (app, runtime):
        async with client_of(app) as browser:
            await browser.get("/catalog")  # the CSRF cookie, as a page visit leaves it
            yield browser, runtime


def as_staff(browser: httpx.AsyncClient, dept: str = "radio_television", sub: str = "") -> None:
    browser.cookies.set("govnet_session", token(kind="staff", dept=dept, sub=sub))


def error_beside(html: str, name: str) -> str:
    found = re.search(rf'id="e-{name}" role="alert">([^<]*)<', html)
    assert found is not None, html
    return html_lib.unescape(found.group(1))


async def hand_over(browser, number, lang="zh", **form):  # type: ignore[no-untyped-def]
    return await browser.post(
        f"/desk/hand-over/{number}?lang={lang}",
        data={**form, "csrf": browser.cookies["govnet_csrf"]},
    )


async def look_up(browser, slip, lang="zh") -> str:  # type: ignore[no-untyped-def]
    resp = await browser.post(
        f"/lookup?lang={lang}",
        data={
            "case_number": slip["case_number"],
            "query_code": slip["query_code"],
            "csrf": browser.cookies["govnet_csrf"],
        },
    )
    assert resp.status_code == 200, resp.text
    return resp.text


async def test_the_desk_hands_over_an_online_result_in_person(city):
    browser, runtime = city
    slip = await apply_online(browser)
    number = slip["case_number"]
    as_staff(browser)

    # Not decided: nothing to hand over, nothing on the list, nothing said on the look-up.
    early = await browser.get(f"/desk/hand-over/{number}")
    assert early.status_code == 409 and "尚未作出决定" in early.text
    assert number not in (await browser.get("/desk/hand-over")).text
    assert 'id="public-collection"' not in await look_up(browser, slip)

    await decide(runtime, number)
    desk = (await browser.get("/desk")).text
    assert re.search(r'id="hand-over-link">待发放结果 \(1\)<', desk)
    listed = await browser.get("/desk/hand-over")
    assert listed.status_code == 200 and f'href="/desk/hand-over/{number}"' in listed.text
    assert "准予许可" in listed.text
    english = await browser.get("/desk/hand-over?lang=en")
    assert "Results to hand over" in english.text and "approved" in english.text
    case_page = await browser.get(f"/desk/cases/{number}?lang=zh")
    assert f'href="/desk/hand-over/{number}" id="hand-over-link"' in case_page.text

    # The applicant is told where to collect it, in both languages.
    public = await look_up(browser, slip)
    assert "办理结果已可领取" in public and "市行政服务中心广电局窗口领取" in public
    public_en = await look_up(browser, slip, "en")
    assert "Your result is ready" in public_en
    assert "Radio and Television Bureau window of the city administrative service center" in (
        public_en
    )

    form = await browser.get(f"/desk/hand-over/{number}")
    assert form.status_code == 200 and 'id="hand-over-form"' in form.text
    wrong = await hand_over(browser, number, channel="in_person", id_number=OTHER_ID_NUMBER)
    assert wrong.status_code == 422
    assert error_beside(wrong.text, "id_number") == "身份证号码与申请人不符，结果只能交给申请人本人"
    assert OTHER_ID_NUMBER not in wrong.text  # the number typed is not echoed back
    wrong_en = await hand_over(
        browser, number, "en", channel="in_person", id_number=OTHER_ID_NUMBER
    )
    assert "the ID card is not the applicant's" in error_beside(wrong_en.text, "id_number")
    no_tracking = await hand_over(browser, number, "en", channel="post", tracking_number="")
    assert no_tracking.status_code == 422
    assert "tracking number" in error_beside(no_tracking.text, "tracking_number")

    # Another department's staff: refused, on the list and the form alike.
    as_staff(browser, "forestry", "rep-forestry")
    assert number not in (await browser.get("/desk/hand-over")).text
    assert (await browser.get(f"/desk/hand-over/{number}")).status_code == 403
    refused = await hand_over(browser, number, channel="in_person", id_number=ID_NUMBER)
    assert refused.status_code == 403
    as_staff(browser)
    assert f'href="/desk/hand-over/{number}"' in (await browser.get("/desk/hand-over")).text

    done = await hand_over(browser, number, channel="in_person", id_number=ID_NUMBER)
    assert done.status_code == 303 and done.headers["location"] == "/desk/hand-over?done=handed"
    after = await browser.get(done.headers["location"])
    assert "结果已发放" in after.text and f'href="/desk/hand-over/{number}"' not in after.text
    assert re.search(r'id="hand-over-link">待发放结果 \(0\)<', (await browser.get("/desk")).text)
    case_page = await browser.get(f"/desk/cases/{number}")
    assert 'id="handed-over"' in case_page.text and "窗口当面交付" in case_page.text
    assert 'id="status">已答复<' in case_page.text

    public = await look_up(browser, slip)
    assert "办理结果已发放" in public and 'id="public-status">已答复<' in public
    assert "Your result was handed over" in await look_up(browser, slip, "en")

    # A second hand-over, by a colleague, names who did it.
    as_staff(browser, sub="a-colleague")
    again = await hand_over(browser, number, channel="in_person", id_number=ID_NUMBER)
    assert again.status_code == 409 and 'id="handed-over"' in again.text
    assert "已由" in error_beside(again.text, "hand_over")


async def test_a_refusal_letter_posted_shows_its_tracking_number(city):
    browser, runtime = city
    slip = await apply_online(browser)
    number = slip["case_number"]
    await decide(runtime, number, "refuse")
    as_staff(browser)
    listed = await browser.get("/desk/hand-over?lang=en")
    assert "(refusal letter)" in listed.text and "refused" in listed.text
    posted = await hand_over(browser, number, channel="post", tracking_number="EA123456789CN")
    assert posted.status_code == 303
    public = await look_up(browser, slip, "en")
    assert re.search(
        r"posted, tracking number\s*<span id=\"public-tracking\">EA123456789CN<", public
    )
    assert "已邮寄" in await look_up(browser, slip)


async def test_the_public_menu_has_my_bookings_and_one_place_is_singular(city):
    browser, runtime = city
    zh = (await browser.get("/catalog")).text
    assert 'href="/appointments"' in zh and "我的预约" in zh
    assert "My bookings" in (await browser.get("/lookup?lang=en")).text
    async with transaction(runtime.sessions) as s:
        one = catalog_pb2.CatalogItem()
        one.CopyFrom(await catalog_service.get_in_force(s, "NJ-0001"))
        one.code, one.version = ONE_PLACE, 1
        one.seasonal.CopyFrom(
            catalog_pb2.Seasonal(
                mode=catalog_pb2.SEASONAL_MODE_APPOINTMENT,
                slot_times=["09:00", "15:00"],
                slot_capacity=1,
            )
        )
        await catalog_service.publish(s, record=one, actor="system:test")
    page = (await browser.get(f"/catalog/{ONE_PLACE}?lang=en")).text
    assert "09:00 and 15:00, 1 place each" in page and "1 places" not in page
    assert "每时段1人" in (await browser.get(f"/catalog/{ONE_PLACE}?lang=zh")).text
    # The refusal of a full slot says it the same way.
    full = appointments.full_refusal(one, datetime(2026, 9, 2, 7, tzinfo=UTC), 1)
    assert full is not None and "is full (1 place);" in full.message
    assert "（1个名额）" in full.message_zh
