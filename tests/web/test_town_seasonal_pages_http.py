"""The township's seasonal items (C5) without a browser: the township's app in process on
PostgreSQL, its catalog copy with seasonal items of its own, a city appointment item it
forwards, a seasonal item only the city accepts and an item no longer seasonal in its latest
version. The public page per township and the window staff's page list the township's seasonal
items, in force, with their reception days in Chinese and English, whether today is one, the
coming ones, and for an appointment item where to book it (at the hall's own window: the
public is told to come or phone, the staff get a link to the hall's appointment book); staff of
another tier are refused."""

from __future__ import annotations

import re

import httpx
import pytest_asyncio

import town_hall.models  # noqa: F401 - registers the service's tables
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import catalog_replica
from govnet_kit.db import transaction
from tests.dbkit import fresh_sessions
from tests.tokens import key_set, staff_token
from tests.town_hall.townkit import ITEMS, RESETTLEMENT, TOWNSHIP, load_catalog
from town_hall.config import TownHallSettings
from town_hall.main import build

M = catalog_pb2


def variant(code: str, *, version: int = 1, city_only: bool = False, **seasonal):  # type: ignore[no-untyped-def]
    out = catalog_pb2.CatalogItem()
    out.CopyFrom(next(i for i in ITEMS if i.code == RESETTLEMENT))
    out.code, out.version = code, version
    out.name_zh, out.name_en = f"季节事项{code}", f"Seasonal item {code}"
    out.window_phone = "0550-3100180"
    if city_only:
        del out.handling[:]
        out.handling.append(M.TierHandling(tier=case_pb2.TIER_CITY, handling=M.HANDLING_COMMITMENT))
    if seasonal:
        out.seasonal.CopyFrom(M.Seasonal(**seasonal))
    return out


SETTLED = variant(  # the township's own, on fixed reception days
    "WS-0902",
    mode=M.SEASONAL_MODE_FIXED_RECEPTION_DAYS,
    reception_weekdays=[1, 3, 5],
    note_zh="每周一、三、五集中结算",
    note_en="Settled on Mondays, Wednesdays and Fridays",
)
EXAM = variant(  # forwarded to the city; its slots are booked at the hall's window
    "NJ-0901",
    mode=M.SEASONAL_MODE_APPOINTMENT,
    months=[2, 3, 9, 10],
    reception_weekdays=[2, 4],
    slot_times=["09:00", "14:30"],
    slot_capacity=20,
)
EXAM.handling[0].handling = M.HANDLING_ASSISTED
CITY_ONLY = variant("NJ-0902", city_only=True, mode=M.SEASONAL_MODE_RETAINED_WINDOW, months=[3])
NO_LONGER = variant("NY-0901", mode=M.SEASONAL_MODE_RETAINED_WINDOW, months=[3, 4, 5])
NO_LONGER_V2 = variant("NY-0901", version=2)


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("town-seasonal")
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
            for item in (SETTLED, EXAM, CITY_ONLY, NO_LONGER, NO_LONGER_V2):
                await catalog_replica.store(s, item)
        settings = TownHallSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app, _ = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://town") as client:
        yield client


def listed(page: httpx.Response) -> list[str]:
    return re.findall(r'<article class="notice seasonal-item" id="item-([^"]+)"', page.text)


async def test_the_public_page_lists_the_townships_seasonal_items_in_both_languages(browser):
    zh = await browser.get(f"/townships/{TOWNSHIP}/seasonal")
    assert zh.status_code == 200
    # Only items the township accepts, in their version in force.
    assert listed(zh) == ["NJ-0901", "WS-0902"]
    assert "每周一、周三、周五（节假日除外）" in zh.text and "每周一、三、五集中结算" in zh.text
    assert "2月、3月、9月、10月" in zh.text and "受理转报（市级决定）" in zh.text
    assert zh.text.count('data-today="') == 2  # whether today is a reception day, each
    assert zh.text.count('<p class="upcoming">近期接待日：') == 2
    # The appointment item says where to book: at this hall, whose phones are in its notices.
    exam = zh.text.split('id="item-NJ-0901"')[1].split("</article>")[0]
    assert "请到本大厅窗口或致电本大厅预约" in exam
    assert f'href="/townships/{TOWNSHIP}/notices"' in exam
    assert "本大厅窗口或致电" not in zh.text.split('id="item-WS-0902"')[1]

    en = await browser.get(f"/townships/{TOWNSHIP}/seasonal?lang=en")
    assert "Mondays, Wednesdays and Fridays (not on public holidays)" in en.text
    assert "February, March, September and October" in en.text
    assert "book at this hall&#39;s window or by phoning the hall" in en.text
    # Reached from the township's public notices.
    notices = await browser.get(f"/townships/{TOWNSHIP}/notices")
    assert f'href="/townships/{TOWNSHIP}/seasonal"' in notices.text


async def test_a_place_that_is_not_a_township_is_refused(browser):
    resp = await browser.get("/townships/341100000000/seasonal")
    assert resp.status_code == 422


async def test_the_window_sees_the_same_list_from_its_menu(browser):
    signed_out = await browser.get("/window/seasonal")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/window/sign-in?next=/window/seasonal"
    browser.cookies.set("govnet_session", staff_token(tier="town", place=TOWNSHIP))
    page = await browser.get("/window/seasonal?lang=zh")
    assert page.status_code == 200
    assert listed(page) == ["NJ-0901", "WS-0902"]
    assert 'href="/window/seasonal"' in page.text  # on the staff menu
    # The staff's page links the appointment item to the hall's own book.
    assert 'href="/window/appointments?item=NJ-0901"' in page.text


async def test_staff_of_another_tier_are_refused(browser):
    browser.cookies.set("govnet_session", staff_token(tier="village"))
    resp = await browser.get("/window/seasonal?lang=zh")
    assert resp.status_code == 403
    assert "item-WS-0902" not in resp.text
