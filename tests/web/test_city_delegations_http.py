"""The administrator's delegations and substitutions on the city's console, without a browser:
the city's app in process on PostgreSQL, relaying to identity's real gRPC service as in
production (decision 8). The administrator picks a department, grants its chief
representative a delegation for named items and a period, sees it listed in force, revokes it
(then it is listed revoked, and identity refuses the representative a credential); names a
substitute and ends the substitution; a form's mistakes are said beside their field in Chinese
and English with nothing granted; anyone else is refused the pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
import pytest
import pytest_asyncio

import city_center.models  # noqa: F401 - registers the service's tables
from govnet_kit.db import transaction
from govnet_kit.worktime import SHANGHAI
from identity.delegation import service as delegation_service
from tests.web.consolekit import CITY, city_console, post, visitor_of
from tests.web.consolekit import sign_in as console_sign_in

# username, name, department, roles
ACCOUNTS = [
    ("city.admin", "周管理员", "", ["administrator"]),
    ("city.supervisor", "吴监察", "", ["supervisor"]),
    ("forestry.rep", "张首席", "forestry", ["chief_representative"]),
    ("forestry.deputy", "钱副代表", "forestry", ["chief_representative"]),
    ("forestry.head", "林局长", "forestry", ["department_head"]),
]
PAGE = "/console/delegations?department=forestry"


@pytest_asyncio.fixture(scope="module")
async def city(tmp_path_factory):
    accounts = [(u, name, "city", CITY, dept, roles) for u, name, dept, roles in ACCOUNTS]
    tmp = tmp_path_factory.mktemp("city-delegations")
    async with city_console(tmp, accounts) as (app, ids, identity_db):
        app.state.ids, app.state.identity_db = ids, identity_db
        yield app


@pytest_asyncio.fixture
async def visitor(city):
    async with visitor_of(city) as client:
        yield client


async def sign_in(client: httpx.AsyncClient, username: str) -> httpx.AsyncClient:
    assert (await console_sign_in(client, username)).status_code == 303
    return client


def days(first: int, last: int) -> dict[str, str]:
    today = datetime.now(SHANGHAI).date()
    return {
        "valid_from": (today + timedelta(days=first)).isoformat(),
        "valid_until": (today + timedelta(days=last)).isoformat(),
    }


def rows(page: str, kind: str) -> list[tuple[str, str]]:
    """(id, state) of each listed grant or substitution, newest first."""
    return re.findall(rf'data-{kind}="([0-9a-f-]+)" data-state="([a-z_]+)"', page)


async def test_a_delegation_is_granted_listed_and_revoked(visitor, city):
    client = await sign_in(visitor, "city.admin")
    home = await client.get("/console")
    assert 'href="/console/delegations"' in home.text
    chooser = await client.get("/console/delegations")
    assert chooser.status_code == 200 and "林业局" in chooser.text
    page = await client.get(PAGE)
    assert page.status_code == 200 and "LY-0001" in page.text  # the department's items
    rep = city.state.ids["forestry.rep"]
    assert f'value="{rep}"' in page.text
    assert (
        f'value="{city.state.ids["forestry.head"]}"' not in page.text.split('id="f-holder_id"')[0]
    )
    before = rows(page.text, "grant")

    done = await post(
        client,
        "/console/delegations",
        department="forestry",
        representative_id=rep,
        item_codes=["LY-0001"],
        tier="city",
        **days(0, 30),
    )
    assert done.status_code == 303 and done.headers["location"] == f"{PAGE}&done=granted"
    listed = (await client.get(done.headers["location"])).text
    assert "授权已生效" in listed
    grants = rows(listed, "grant")
    assert len(grants) == len(before) + 1 and grants[0][1] == "in_force"
    grant_id = grants[0][0]
    row = listed.split(f'data-grant="{grant_id}"')[1].split("</tr>")[0]
    assert "张首席" in row and "LY-0001" in row and "有效" in row
    assert f"{days(0, 30)['valid_until']} 24:00" in row  # the last day, whole

    no_reason = await post(
        client, f"/console/delegations/{grant_id}/revoke", department="forestry", reason=" "
    )
    assert no_reason.status_code == 422
    assert re.search(rf'id="e-reason-{grant_id}"[^>]*>请填写撤销原因<', no_reason.text)
    revoked = await post(
        client, f"/console/delegations/{grant_id}/revoke", department="forestry", reason="调岗"
    )
    assert revoked.status_code == 303
    after = (await client.get(revoked.headers["location"] + "&lang=en")).text
    assert "The delegation is revoked" in after
    assert (grant_id, "revoked") in rows(after, "grant")
    row = after.split(f'data-grant="{grant_id}"')[1].split("</tr>")[0]
    assert "revoked" in row and "调岗" in row and "revoke-form" not in row
    async with transaction(city.state.identity_db) as s:
        assert await delegation_service.check(s, delegation_id=grant_id, substitution_id="") == (
            False,
            "delegation revoked",
        )


@pytest.mark.parametrize(
    ("lang", "form", "field", "said"),
    [
        ("zh", {"item_codes": ["GD-0001"]}, "item_codes", "不是本部门的现行事项：GD-0001"),
        (
            "en",
            {"item_codes": ["GD-0001"]},
            "item_codes",
            "not items of this department in force: GD-0001",
        ),
        ("zh", {"item_codes": []}, "item_codes", "请选择授权事项"),
        (
            "en",
            {**days(5, 1), "item_codes": ["LY-0001"]},
            "valid_until",
            "the last day cannot be before the first",
        ),
        ("zh", {"valid_until": "", "item_codes": ["LY-0001"]}, "valid_until", "请填写截止日期"),
        (
            "zh",
            {"representative_id": "", "item_codes": ["LY-0001"]},
            "representative_id",
            "请选择首席代表",
        ),
    ],
)
async def test_a_grant_form_mistake_is_said_beside_its_field_and_nothing_granted(
    visitor, city, lang, form, field, said
):
    client = await sign_in(visitor, "city.admin")
    before = rows((await client.get(PAGE)).text, "grant")
    data = {
        "department": "forestry",
        "representative_id": city.state.ids["forestry.rep"],
        "tier": "city",
        **days(0, 10),
        **form,
    }
    bad = await post(client, f"/console/delegations?lang={lang}", **data)
    assert bad.status_code == 422
    error = re.search(rf'id="e-{field}"[^>]*>([^<]+)<', bad.text)
    assert error and error[1] == said
    assert rows((await client.get(PAGE)).text, "grant") == before


async def test_identitys_refusal_is_said_beside_the_representative(visitor, city):
    """The department's head is no representative of another department's grant: identity
    refuses a representative of another department, in the reader's language."""
    client = await sign_in(visitor, "city.admin")
    bad = await post(
        client,
        "/console/delegations?lang=zh",
        department="water_resources",
        representative_id=city.state.ids["forestry.rep"],
        all_items="yes",
        tier="city",
        **days(0, 10),
    )
    assert bad.status_code == 422
    error = re.search(r'id="e-representative_id"[^>]*>([^<]+)<', bad.text)
    assert error and error[1] == "该首席代表不属于本部门"


async def test_a_substitute_is_named_and_the_substitution_ended(visitor, city):
    client = await sign_in(visitor, "city.admin")
    ids = city.state.ids
    same = await post(
        client,
        "/console/substitutions?lang=en",
        department="forestry",
        holder_id=ids["forestry.rep"],
        substitute_id=ids["forestry.rep"],
        s_valid_until=days(0, 3)["valid_until"],
    )
    assert same.status_code == 422
    error = re.search(r'id="e-substitute_id"[^>]*>([^<]+)<', same.text)
    assert error and error[1] == "a holder cannot substitute for themselves"
    named = await post(
        client,
        "/console/substitutions",
        department="forestry",
        holder_id=ids["forestry.rep"],
        substitute_id=ids["forestry.deputy"],
        s_valid_until=days(0, 3)["valid_until"],
    )
    assert named.status_code == 303 and named.headers["location"] == f"{PAGE}&done=named"
    listed = (await client.get(named.headers["location"])).text
    (substitution_id, state), *_ = rows(listed, "substitution")
    assert state == "in_force"
    row = listed.split(f'data-substitution="{substitution_id}"')[1].split("</tr>")[0]
    assert "张首席" in row and "钱副代表" in row
    ended = await post(
        client, f"/console/substitutions/{substitution_id}/end", department="forestry"
    )
    assert ended.status_code == 303 and ended.headers["location"] == f"{PAGE}&done=ended"
    after = (await client.get(ended.headers["location"] + "&lang=zh")).text
    assert (substitution_id, "ended") in rows(after, "substitution") and "同岗替代已结束" in after


async def test_an_unknown_department_is_said_beside_the_choice(visitor):
    client = await sign_in(visitor, "city.admin")
    bad = await client.get("/console/delegations?department=nowhere&lang=en")
    assert bad.status_code == 422
    assert re.search(r'id="e-department"[^>]*>no such department<', bad.text)


@pytest.mark.parametrize("username", ["city.supervisor", "forestry.rep", "forestry.head"])
async def test_anyone_but_an_administrator_is_refused(visitor, city, username):
    client = await sign_in(visitor, username)
    assert (await client.get(PAGE)).status_code == 403
    granted = await post(
        client,
        "/console/delegations",
        department="forestry",
        representative_id=city.state.ids["forestry.rep"],
        all_items="yes",
        **days(0, 10),
    )
    assert granted.status_code == 403
    fake = "00000000-0000-4000-8000-000000000000"
    revoked = await post(
        client, f"/console/delegations/{fake}/revoke", department="forestry", reason="x"
    )
    assert revoked.status_code == 403
    ended = await post(client, f"/console/substitutions/{fake}/end", department="forestry")
    assert ended.status_code == 403


async def test_a_signed_out_visitor_is_sent_to_sign_in(visitor):
    resp = await visitor.get("/console/delegations")
    assert resp.status_code == 303
    assert resp.headers["location"] == "/staff/sign-in?next=/console/delegations"
