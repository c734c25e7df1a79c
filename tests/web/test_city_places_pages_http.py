"""The places register on the city's console, without a browser (issue 8, T3 "a registered
place and hours"): the city's app in process on PostgreSQL, staff signed in on its form through
identity's real gRPC service (decision 8). The administrator opens the register from the
console, registers a township and its village, filters the list, edits a place, deactivates and
reactivates it (the public list follows); a mistake is said beside its field in Chinese or
English with what was typed kept and nothing stored; the staff account form offers the
registered places; anyone else is refused the pages."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio

import city_center.models  # noqa: F401 - registers the service's tables
from tests.web.consolekit import CITY, city_console, post, visitor_of
from tests.web.consolekit import sign_in as console_sign_in

ACCOUNTS = [
    ("city.admin", "周管理员", ["administrator"]),
    ("city.supervisor", "吴监察", ["supervisor"]),
]


@pytest_asyncio.fixture(scope="module")
async def city(tmp_path_factory):
    accounts = [(u, name, "city", CITY, "", roles) for u, name, roles in ACCOUNTS]
    tmp = tmp_path_factory.mktemp("city-places")
    async with city_console(tmp, accounts, catalog=False, place_code=CITY) as (app, _, _):
        yield app


@pytest_asyncio.fixture
async def visitor(city):
    async with visitor_of(city) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    assert (await console_sign_in(client, username)).status_code == 303
    return client


def form(code: str, tier: str = "town", **extra: str) -> dict[str, str]:
    return {
        "code": code,
        "tier": tier,
        "parent_code": "",
        "name_zh": f"测试{code[-4:]}",
        "name_en": f"Test {code[-4:]}",
        "address_zh": "人民路1号",
        "address_en": "",
        "hours_zh": "工作日 8:30-17:00",
        "hours_en": "Working days 8:30-17:00",
        "phone": "0550-3101000",
        **extra,
    }


def listed(page: str) -> list[str]:
    return re.findall(r'data-place="([0-9]{12})"', page)


def error(page: str, name: str) -> str:
    found = re.search(rf'<span class="error" id="e-{name}" role="alert">([^<]*)</span>', page)
    return found[1] if found else ""


async def test_a_township_and_its_village_are_registered_from_the_console(visitor):
    client = await sign_in(visitor, "city.admin")
    home = await client.get("/console")
    assert 'href="/console/places"' in home.text
    assert "没有场所登记表" not in home.text  # the console no longer says it has none

    town = await post(client, "/console/places", **form("341102101000", name_zh="清流镇"))
    assert town.status_code == 303
    assert town.headers["location"] == "/console/places/341102101000?done=registered"
    page = await client.get(town.headers["location"])
    assert "场所已登记" in page.text and "<h1>清流镇</h1>" in page.text

    # The new township is offered as a village's parent.
    empty_form = await client.get("/console/places")
    assert '<option value="341102101000" >清流镇 (341102101000)</option>' in empty_form.text
    village = await post(
        client,
        "/console/places",
        **form("341102101201", "village", parent_code="341102101000", name_zh="东山村"),
    )
    assert village.status_code == 303

    everything = await client.get("/console/places")
    assert {"341102101000", "341102101201"} <= set(listed(everything.text))
    villages = await client.get("/console/places?tier=village&parent=341102101000")
    assert listed(villages.text) == ["341102101201"]
    in_english = await client.get("/console/places?q=东山&lang=en")
    assert listed(in_english.text) == ["341102101201"]
    assert "Test 1201" in in_english.text and "Village room" in in_english.text
    bad_filter = await client.get("/console/places?parent=abc&lang=zh")
    assert (
        bad_filter.status_code == 422 and error(bad_filter.text, "filter_parent") == "应为12位数字"
    )


@pytest.mark.parametrize(
    ("lang", "sent", "field", "said", "status"),
    [
        ("zh", {"code": "3411021020"}, "code", "区划代码应为12位数字", 422),
        ("en", {"code": "3411021020"}, "code", "a division code is 12 digits", 422),
        ("zh", {"code": "341102109201", "tier": "village"}, "parent_code", "未登记或已停用", 422),
        ("zh", {"name_zh": ""}, "name_zh", "必填", 422),
        ("zh", {"tier": ""}, "tier", "请从选项中选择", 422),
        ("en", {"code": "350102102000"}, "code", "in this city (3411...)", 422),
    ],
)
async def test_a_mistake_is_said_beside_its_field_and_nothing_is_stored(
    visitor, lang, sent, field, said, status
):
    client = await sign_in(visitor, "city.admin")
    client.cookies.set("govnet_lang", lang)
    values = {**form("341102102000", name_en="Kept as typed"), **sent}
    refused = await post(client, "/console/places", **values)
    assert refused.status_code == status
    assert said in error(refused.text, field)
    assert f'aria-describedby="e-{field}"' in refused.text
    assert 'value="Kept as typed"' in refused.text
    assert values["code"] not in listed((await client.get("/console/places")).text)


async def test_a_registered_code_is_refused_beside_it(visitor):
    client = await sign_in(visitor, "city.admin")
    assert (await post(client, "/console/places", **form("341102103000"))).status_code == 303
    again = await post(client, "/console/places", **form("341102103000", name_zh="重复"))
    assert again.status_code == 409
    assert error(again.text, "code") == "场所 341102103000 已登记"
    assert "重复" not in (await client.get("/console/places/341102103000")).text


async def test_a_place_is_edited_deactivated_and_reactivated(visitor):
    client = await sign_in(visitor, "city.admin")
    await post(client, "/console/places", **form("341102104000"))
    await post(client, "/console/places", **form("341102104201", "village"))
    page = "/console/places/341102104201"
    edit = {k: v for k, v in form("341102104201").items() if k not in ("code", "tier")}
    edit.pop("parent_code")

    saved = await post(client, page, **{**edit, "hours_zh": "周一至周五 9:00-16:00"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{page}?done=saved"
    shown = await client.get(saved.headers["location"])
    assert "场所信息已保存" in shown.text and 'value="周一至周五 9:00-16:00"' in shown.text
    no_phone = await post(client, page, **{**edit, "phone": "call us"})
    assert no_phone.status_code == 422 and error(no_phone.text, "phone") == "格式不正确"
    assert 'value="0550-3101000"' in (await client.get(page)).text

    # A township with an active village stays: said beside the button.
    township = await post(client, "/console/places/341102104000/active", active="no")
    assert township.status_code == 409
    assert "341102104201" in error(township.text, "active")

    closed = await post(client, f"{page}/active", active="no")
    assert closed.headers["location"] == f"{page}?done=deactivated"
    shown = await client.get(closed.headers["location"])
    assert '<dd class="status" id="place-status">已停用</dd>' in shown.text
    public = await client.get("/api/v1/places/public", params={"parent": "341102104000"})
    assert public.json() == []
    staff_form = await client.get("/console/staff")
    assert 'value="341102104201"' not in staff_form.text.split('id="place-options"')[1]

    reopened = await post(client, f"{page}/active", active="yes")
    assert reopened.headers["location"] == f"{page}?done=reactivated"
    public = await client.get("/api/v1/places/public", params={"parent": "341102104000"})
    assert [p["code"] for p in public.json()] == ["341102104201"]


async def test_the_staff_account_form_offers_the_registered_places(visitor):
    client = await sign_in(visitor, "city.admin")
    await post(client, "/console/places", **form("341102105000", name_zh="河口镇"))
    page = await client.get("/console/staff")
    assert 'list="place-options"' in page.text
    assert '<option value="341102105000">河口镇</option>' in page.text


async def test_no_one_else_opens_the_register(visitor, city):
    signed_out = await visitor.get("/console/places")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/staff/sign-in?next=/console/places"
    client = await sign_in(visitor, "city.supervisor")
    assert (await client.get("/console/places")).status_code == 403
    refused = await post(client, "/console/places", **form("341102106000"))
    assert refused.status_code == 403
    assert (await client.get("/console/places/341102101000")).status_code == 403
