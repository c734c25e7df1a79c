"""The administrator's staff accounts on the city's console, without a browser: the city's app
in process on PostgreSQL, relaying to identity's real gRPC service (its own database, its own
keys) as in production (decision 8). Staff sign in on the city's form. An administrator lists
and filters the accounts, creates one (which appears, and whose first password is shown once,
never logged, and signs in), is refused a taken login or an unknown role beside the field in
Chinese and English, re-scopes an account, and suspends one, which is then shown suspended and
can no longer sign in, and reactivates it; resets a password (the new one shown once, the old one
signs in no more); anyone else is refused the pages."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
import pytest_asyncio

import city_center.models  # noqa: F401 - registers the service's tables
from tests.web.consolekit import PASSWORD, city_console, post, visitor_of
from tests.web.consolekit import sign_in as console_sign_in

CITY, TOWNSHIP, VILLAGE = "341100000000", "341102101000", "341102101201"
# username, name, tier, place, department, roles
ACCOUNTS = [
    ("city.admin", "周管理员", "city", CITY, "", ["administrator"]),
    ("city.supervisor", "吴监察", "city", CITY, "", ["supervisor"]),
    ("forestry.rep", "张首席", "city", CITY, "forestry", ["chief_representative"]),
    ("town.window", "王窗口", "town", TOWNSHIP, "", ["town_window"]),
    ("village.duty", "李村务", "village", VILLAGE, "", ["village_staff"]),
    ("village.leaving", "赵离职", "village", VILLAGE, "", ["village_staff"]),
    ("village.returning", "钱回岗", "village", VILLAGE, "", ["village_staff"]),
    ("village.forgetful", "孙忘密", "village", VILLAGE, "", ["village_staff"]),
]


@pytest_asyncio.fixture(scope="module")
async def city(tmp_path_factory):
    """The city's app, whose identity is a real gRPC server with the accounts above."""
    async with city_console(tmp_path_factory.mktemp("city-staff"), ACCOUNTS) as (app, _, _):
        yield app


@pytest_asyncio.fixture
async def visitor(city):
    """A browser of its own (cookie jar), signed out."""
    async with visitor_of(city) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await console_sign_in(client, username, password, next_page="/console/staff")


async def admin(client: httpx.AsyncClient) -> httpx.AsyncClient:
    assert (await sign_in(client, "city.admin", PASSWORD)).status_code == 303
    return client


def usernames(page: str) -> list[str]:
    return re.findall(r'data-username="([^"]+)"', page)


def staff_id(page: str, username: str) -> str:
    row = page.split(f'data-username="{username}"')[1]
    return re.search(r'href="/console/staff/([0-9a-f-]+)"', row)[1]  # type: ignore[index]


NEW = {
    "display_name": "孙新人",
    "username": "village.new",
    "tier": "village",
    "place_code": VILLAGE,
    "department_code": "",
    "roles": ["village_staff"],
}


async def test_the_administrator_lists_and_filters_the_accounts(visitor):
    client = await admin(visitor)
    page = await client.get("/console/staff")
    assert page.status_code == 200
    for username, *_ in ACCOUNTS:
        assert username in usernames(page.text)
    assert "林业局" in page.text  # the department by name, from the city's own register
    by_role = await client.get("/console/staff?role=supervisor")
    assert usernames(by_role.text) == ["city.supervisor"]
    by_place = await client.get(f"/console/staff?place={TOWNSHIP}&tier=town")
    assert usernames(by_place.text) == ["town.window"]
    english = await client.get(f"/console/staff?place={TOWNSHIP}&lang=en")
    assert "Township window staff" in english.text and "active" in english.text
    # A malformed place code: identity's refusal beside the filter's field.
    bad = await client.get("/console/staff?place=3411&lang=zh")
    assert bad.status_code == 422
    assert 'id="e-filter_place"' in bad.text and "12位行政区划代码" in bad.text
    # The console's home leads here.
    assert 'href="/console/staff"' in (await client.get("/console")).text


async def test_a_new_account_appears_with_its_first_password_shown_once(visitor, city, caplog):
    client = await admin(visitor)
    caplog.set_level(logging.DEBUG)
    created = await post(client, "/console/staff", **NEW)
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    first = re.search(r'id="initial-password">([^<]+)<', created.text)[1]  # type: ignore[index]
    assert len(first) >= 20 and "只显示这一次" in created.text
    assert first not in caplog.text  # never logged, by the city or by identity

    listed = (await client.get("/console/staff")).text
    assert "village.new" in usernames(listed) and "孙新人" in listed
    account = await client.get(f"/console/staff/{staff_id(listed, 'village.new')}")
    assert account.status_code == 200 and "村便民服务室工作人员" in account.text
    assert first not in account.text and first not in listed  # shown that once only

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=city), base_url="http://city", timeout=30.0
    ) as newcomer:
        assert (await sign_in(newcomer, "village.new", first)).status_code == 303


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "用户名 town.window 已被使用"), ("en", "user name town.window is taken")],
)
async def test_a_taken_login_is_refused_beside_its_field(visitor, lang, said):
    client = await admin(visitor)
    before = usernames((await client.get("/console/staff")).text)
    taken = await post(client, f"/console/staff?lang={lang}", **{**NEW, "username": "town.window"})
    assert taken.status_code == 409
    error = re.search(r'id="e-username"[^>]*>([^<]+)<', taken.text)
    assert error and error[1] == said
    assert 'value="孙新人"' in taken.text  # what was typed is kept
    assert 'id="initial-password"' not in taken.text
    assert usernames((await client.get("/console/staff")).text) == before


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "没有这个角色：emperor"), ("en", "unknown roles: emperor")]
)
async def test_an_unknown_role_is_refused_beside_the_roles(visitor, lang, said):
    client = await admin(visitor)
    bad = await post(
        client,
        f"/console/staff?lang={lang}",
        **{**NEW, "username": "village.emperor", "roles": ["emperor"]},
    )
    assert bad.status_code == 422
    error = re.search(r'id="e-roles"[^>]*>([^<]+)<', bad.text)
    assert error and error[1] == said
    assert "village.emperor" not in usernames((await client.get("/console/staff")).text)


async def test_an_empty_form_is_refused_beside_each_field_at_once(visitor):
    client = await admin(visitor)
    empty = await post(client, "/console/staff", display_name="", username="", place_code="")
    assert empty.status_code == 422
    for name in ("display_name", "username", "tier", "place_code", "roles"):
        assert f'id="e-{name}"' in empty.text, name


async def test_an_account_is_rescoped(visitor):
    client = await admin(visitor)
    listed = (await client.get("/console/staff")).text
    page = f"/console/staff/{staff_id(listed, 'village.duty')}"
    bad = await post(
        client, f"{page}/rescope", tier="village", place_code="34110210120", roles=["village_staff"]
    )
    assert bad.status_code == 422 and 'id="e-place_code"' in bad.text
    done = await post(
        client,
        f"{page}/rescope",
        tier="town",
        place_code=TOWNSHIP,
        department_code="",
        roles=["town_window", "town_notice_editor"],
    )
    assert done.status_code == 303 and done.headers["location"] == f"{page}?done=rescoped"
    after = (await client.get(done.headers["location"])).text
    assert "账号权限范围已更新" in after and "乡镇公告编辑" in after and TOWNSHIP in after
    assert "village.duty" in usernames((await client.get("/console/staff?role=town_window")).text)


async def test_a_suspended_account_is_shown_suspended_and_cannot_sign_in(visitor, city):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=city), base_url="http://city", timeout=30.0
    ) as leaver:
        assert (await sign_in(leaver, "village.leaving", PASSWORD)).status_code == 303
    client = await admin(visitor)
    listed = (await client.get("/console/staff")).text
    page = f"/console/staff/{staff_id(listed, 'village.leaving')}"
    no_reason = await post(client, f"{page}/suspend", reason=" ")
    assert no_reason.status_code == 422 and 'id="e-reason"' in no_reason.text
    done = await post(client, f"{page}/suspend", reason="已调离")
    assert done.status_code == 303
    after = (await client.get(done.headers["location"])).text
    assert 'id="account-status">已停用<' in after and 'id="suspend-form"' not in after
    row = (await client.get("/console/staff")).text.split('data-username="village.leaving"')[1]
    assert row.split("</tr>")[0].count("已停用") == 1

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=city), base_url="http://city", timeout=30.0
    ) as leaver:
        refused = await sign_in(leaver, "village.leaving", PASSWORD)
        assert refused.status_code == 422 and "用户名或密码错误" in refused.text
        assert "govnet_session" not in leaver.cookies


@pytest.mark.parametrize("username", ["city.supervisor", "forestry.rep", "town.window"])
async def test_anyone_but_an_administrator_is_refused(visitor, username):
    assert (await sign_in(visitor, username, PASSWORD)).status_code == 303
    listed = await visitor.get("/console/staff")
    assert listed.status_code == 403 and "无权使用管理控制台" in listed.text
    made = await post(visitor, "/console/staff", **{**NEW, "username": "sneaky"})
    assert made.status_code == 403
    fake = "00000000-0000-4000-8000-000000000000"
    assert (await post(visitor, f"/console/staff/{fake}/suspend", reason="x")).status_code == 403
    assert (await post(visitor, f"/console/staff/{fake}/reactivate", reason="x")).status_code == 403
    assert (await post(visitor, f"/console/staff/{fake}/password")).status_code == 403
    assert (await visitor.get(f"/console/staff/{fake}")).status_code == 403


async def test_a_signed_out_visitor_is_sent_to_sign_in(visitor):
    resp = await visitor.get("/console/staff")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/staff/sign-in?next=/console/staff"


async def test_a_suspended_account_is_reactivated_and_signs_in_again(visitor, city):
    client = await admin(visitor)
    listed = (await client.get("/console/staff")).text
    page = f"/console/staff/{staff_id(listed, 'village.returning')}"
    assert (await post(client, f"{page}/suspend", reason="病假")).status_code == 303
    suspended = (await client.get(page)).text
    assert 'id="reactivate-form"' in suspended and 'id="suspend-form"' not in suspended
    no_reason = await post(client, f"{page}/reactivate?lang=en", reason="")
    assert no_reason.status_code == 422
    error = re.search(r'id="e-reason"[^>]*>([^<]+)<', no_reason.text)
    assert error and error[1] == "give the reason for reactivating"
    assert 'id="account-status">suspended<' in no_reason.text  # nothing changed
    done = await post(client, f"{page}/reactivate?lang=zh", reason="病愈返岗")
    assert done.status_code == 303 and done.headers["location"] == f"{page}?done=reactivated"
    after = (await client.get(done.headers["location"])).text
    assert 'id="account-status">正常<' in after and "不随之恢复" in after
    assert 'id="suspend-form"' in after and 'id="reactivate-form"' not in after
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=city), base_url="http://city", timeout=30.0
    ) as returning:
        assert (await sign_in(returning, "village.returning", PASSWORD)).status_code == 303


async def test_a_reset_password_is_shown_once_and_the_old_one_signs_in_no_more(
    visitor, city, caplog
):
    client = await admin(visitor)
    caplog.set_level(logging.DEBUG)
    listed = (await client.get("/console/staff")).text
    page = f"/console/staff/{staff_id(listed, 'village.forgetful')}"
    assert 'id="password-form"' in (await client.get(page)).text
    reset = await post(client, f"{page}/password")
    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    new = re.search(r'id="new-password">([^<]+)<', reset.text)[1]  # type: ignore[index]
    assert len(new) >= 20 and "只显示这一次" in reset.text
    assert new not in caplog.text
    assert new not in (await client.get(page)).text
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=city), base_url="http://city", timeout=30.0
    ) as holder:
        assert (await sign_in(holder, "village.forgetful", PASSWORD)).status_code == 422
        assert (await sign_in(holder, "village.forgetful", new)).status_code == 303
    fake = "00000000-0000-4000-8000-000000000000"
    missing = await post(client, f"/console/staff/{fake}/password")
    assert missing.status_code == 404
