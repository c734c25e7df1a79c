"""The village room's record pages without a browser: the village's app in process on PostgreSQL,
with tokens signed by a key of this test. A signed-out visitor is sent to sign in and staff of
another tier or village are refused; a mediation is opened, its session and agreement recorded;
a welfare collection is listed; a proposal goes through the committees to a meeting whose vote
without quorum is refused beside the form (nothing recorded), then to a quorate vote, a decision
and its publication; English with the switch; a bad value is a 422 naming its field."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
import pytest_asyncio
from joserfc import jwt
from joserfc.jwk import KeySet, OKPKey
from sqlalchemy import func, select

import village_room.models  # noqa: F401 - registers the service's tables
from govnet_kit.auth import ACCESS_TYP, ALGORITHMS, AUDIENCE, ISSUER
from govnet_kit.db import transaction, utcnow
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions
from tests.village_room.roomkit import new_applicant
from village_room.config import VillageRoomSettings
from village_room.main import build
from village_room.mediation import service as mediation_service
from village_room.proposal.models import RepresentativeVote
from village_room.room.dependencies import calendar_of

KEY = OKPKey.generate_key("Ed25519", parameters={"kid": "village-records"}, private=True)
VILLAGE, OTHER_VILLAGE, TOWNSHIP = "341102101201", "341102101202", "341102101000"
PAGES = ["/duty/mediations", "/duty/welfare", "/duty/proposals", "/duty/meetings"]
TODAY = utcnow().astimezone(SHANGHAI).date()


def session(place: str = VILLAGE, tier: str = "village", sub: str = "") -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub or f"staff-{uuid.uuid4().hex[:6]}",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "kind": "staff",
        "roles": ["village_staff" if tier == "village" else "town_window"],
        "tier": tier,
        "place": place,
    }
    header = {"alg": ALGORITHMS[0], "typ": ACCESS_TYP, "kid": KEY.kid}
    return jwt.encode(header, claims, KEY, algorithms=ALGORITHMS)


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("village-records")
    async with fresh_sessions("postgresql", tmp) as sessions:
        settings = VillageRoomSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(KeySet([KEY]))
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    """A fresh cookie jar: a visitor of their own."""
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://village") as client:
        yield client


async def as_(client: httpx.AsyncClient, token: str) -> httpx.AsyncClient:
    client.cookies.set("govnet_session", token)
    await client.get("/lookup")  # the CSRF cookie, as a page visit leaves it
    return client


def post(client: httpx.AsyncClient, path: str, **data: str | list[str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf": client.cookies["govnet_csrf"]})


def error_beside(page: httpx.Response, field: str) -> str:
    """The text of the error shown beside `field` (its `e-<field>` element)."""
    found = re.search(rf'id="e-{re.escape(field)}"[^>]*>([^<]*)<', page.text)
    assert found, f"no error beside {field}"
    return found.group(1)


async def test_a_signed_out_visitor_is_sent_to_sign_in(browser):
    for path in PAGES:
        resp = await browser.get(path)
        assert resp.status_code == 303, path
        assert resp.headers["location"] == f"/duty/sign-in?next={path}"


async def test_staff_of_another_tier_or_village_are_refused(app, browser):
    _, runtime = app
    parties = [await new_applicant(runtime) for _ in range(2)]
    async with transaction(runtime.sessions) as s:
        row = await mediation_service.open_case(
            s,
            place_code=VILLAGE,
            staff_id="staff-1",
            dispute_type="neighbour",
            summary="宅基地界址争议",
            party_applicant_ids=parties,
            visit_id=None,
        )
    town = await as_(browser, session(TOWNSHIP, tier="town"))
    for path in PAGES:
        resp = await town.get(path)
        assert resp.status_code == 403, path
        assert "无权在本层级办理" in resp.text and '<html lang="zh-CN">' in resp.text
    other = await as_(browser, session(OTHER_VILLAGE))
    resp = await other.get(f"/duty/mediations/{row.id}")
    assert resp.status_code == 404 and "本服务室无此调解记录" in resp.text
    assert row.id not in (await other.get("/duty/mediations")).text
    refused = await post(
        other, f"/duty/mediations/{row.id}/sessions", held_on=str(TODAY), notes="x"
    )
    assert refused.status_code == 404


async def test_a_mediation_is_opened_its_session_and_agreement_recorded(app, browser):
    _, runtime = app
    parties = [await new_applicant(runtime) for _ in range(2)]
    staff = await as_(browser, session(sub="mediator-1"))
    opened = await post(
        staff,
        "/duty/mediations",
        dispute_type="land_contract",
        parties="\n".join(parties),
        summary="二组承包地边界争议",
    )
    assert opened.status_code == 303, opened.text
    page = await staff.get(opened.headers["location"])
    assert "调解已立案" in page.text and "土地承包纠纷" in page.text
    assert 'id="status">调解中<' in page.text and all(p in page.text for p in parties)
    detail = opened.headers["location"].split("?")[0]

    # No outcome before a session: said beside the choice, and it stays open.
    early = await post(staff, f"{detail}/outcome", outcome="agreement", agreement="各退一米")
    assert early.status_code == 422
    assert error_beside(early, "outcome") == "尚无调解记录，不能结案"

    held = await post(staff, f"{detail}/sessions", held_on=str(TODAY), notes="双方到场，现场丈量")
    assert held.status_code == 303
    page = await staff.get(detail)
    sessions = page.text.split('id="sessions"')[1]
    assert "双方到场，现场丈量" in sessions and "mediator-1" in sessions

    no_terms = await post(staff, f"{detail}/outcome", outcome="agreement", agreement="")
    assert no_terms.status_code == 422
    assert error_beside(no_terms, "agreement") == "请填写调解协议内容"

    closed = await post(staff, f"{detail}/outcome", outcome="agreement", agreement="以界桩为准")
    assert closed.status_code == 303
    page = await staff.get(detail)
    assert 'id="status">达成协议<' in page.text and 'id="agreement">以界桩为准<' in page.text
    assert 'id="session-form"' not in page.text and 'id="outcome-form"' not in page.text
    listing = await staff.get("/duty/mediations?status=agreement")
    assert detail.rsplit("/", 1)[1] in listing.text and "达成协议" in listing.text


async def test_a_welfare_collection_is_listed_with_who_for_whom_and_the_receipt(app, browser):
    _, runtime = app
    elder = await new_applicant(runtime)
    staff = await as_(browser, session(sub="collector-7"))
    form = {
        "benefit": "elderly_allowance",
        "beneficiary_applicant_id": elder,
        "period": "2026-10",
        "amount": "150.50",
        "receipt_number": "R-2026-0101",
    }
    done = await post(staff, "/duty/welfare", **form)
    assert done.status_code == 303 and done.headers["location"] == "/duty/welfare?done=collected"
    page = await staff.get("/duty/welfare?period=2026-10")
    row = page.text.split('data-receipt="R-2026-0101"')[1].split("</tr>")[0]
    for shown in ("2026-10", "老年人待遇代领", elder, "150.50", "collector-7"):
        assert shown in row, shown

    # The same month's benefit again: refused beside the month, naming who collected it.
    again = await post(staff, "/duty/welfare", **{**form, "receipt_number": "R-2026-0102"})
    assert again.status_code == 422
    assert "collector-7" in error_beside(again, "period")
    assert "R-2026-0102" not in (await staff.get("/duty/welfare")).text


async def test_a_proposal_goes_to_a_vote_refused_without_quorum_then_decided(app, browser):
    _, runtime = app
    staff = await as_(browser, session(sub="clerk-3"))
    for name, group in (("王大", "一组"), ("李二", "二组"), ("张三", "三组")):
        added = await post(staff, "/duty/representatives", display_name=name, group_name=group)
        assert added.status_code == 303

    filed = await post(staff, "/duty/proposals", title="硬化三组村道", content="每户筹资，村里补助")
    assert filed.status_code == 303, filed.text
    proposal = filed.headers["location"].split("?")[0]
    pid = proposal.rsplit("/", 1)[1]
    due = calendar_of(runtime).add_working_days(TODAY, 10).isoformat()
    listing = (await staff.get("/duty/proposals")).text
    row = listing.split(f'data-id="{pid}"')[1].split("</tr>")[0]
    assert due in row and "待两委研究" in row

    # A duplicate is merged into it.
    dup = await post(staff, "/duty/proposals", title="三组修路", content="同上")
    merged = await post(staff, f"{dup.headers['location'].split('?')[0]}/merge", into=pid)
    assert merged.status_code == 303
    assert 'id="status">已合并<' in (await staff.get(merged.headers["location"])).text

    studied = await post(staff, f"{proposal}/study", committees_opinion="同意提交代表会议")
    assert studied.status_code == 303
    assert 'id="status">待会议表决<' in (await staff.get(proposal)).text

    # One of three came: the meeting is recorded, and its vote refused beside the form.
    page = (await staff.get("/duty/meetings")).text
    reps = dict(re.findall(r'value="([0-9a-f-]{36})"\s*>\s*(\S+) ·', page))
    ids = {name: rid for rid, name in reps.items()}
    thin = await post(
        staff, "/duty/meetings", held_on=str(TODAY), present_representative_ids=[ids["王大"]]
    )
    assert thin.status_code == 303
    thin_page = thin.headers["location"].split("?")[0]
    assert "未达到法定人数 2 人" in (await staff.get(thin_page)).text
    refused = await post(
        staff, f"{thin_page}/proposals/{pid}/votes", **{f"vote_{ids['王大']}": "for"}
    )
    assert refused.status_code == 422
    assert "未达到法定人数" in error_beside(refused, "votes")
    assert f'id="vote-{pid}"' in refused.text  # the form is still there, with the choice kept
    async with transaction(runtime.sessions) as s:
        assert await s.scalar(select(func.count()).select_from(RepresentativeVote)) == 0
    assert 'id="votes"' not in (await staff.get(proposal)).text

    # All three came: the votes are recorded, counted, and the decision published.
    full = await post(
        staff, "/duty/meetings", held_on=str(TODAY), present_representative_ids=list(ids.values())
    )
    meeting = full.headers["location"].split("?")[0]
    ballots = {
        f"vote_{ids['王大']}": "for",
        f"vote_{ids['李二']}": "for",
        f"vote_{ids['张三']}": "against",
    }
    voted = await post(staff, f"{meeting}/proposals/{pid}/votes", **ballots)
    assert voted.status_code == 303, voted.text
    decided = await post(staff, f"{meeting}/proposals/{pid}/decision")
    assert decided.status_code == 303 and decided.headers["location"].startswith(proposal)
    page = (await staff.get(decided.headers["location"])).text
    assert 'id="status">通过<' in page and "赞成 2，反对 1，弃权 0" in page
    assert page.count('data-vote="for"') == 2 and 'id="publish-form"' in page
    published = await post(staff, f"{proposal}/publish")
    assert published.status_code == 303
    page = (await staff.get(proposal)).text
    assert 'id="published"' in page and 'id="publish-form"' not in page
    # The public list of decisions (the JSON API, same domain) has it with each vote.
    public = (await browser.get(f"/api/v1/public/rooms/{VILLAGE}/decisions")).json()
    assert [(d["title"], d["decision_zh"], len(d["votes"])) for d in public] == [
        ("硬化三组村道", "通过", 3)
    ]


async def test_english_labels_with_the_switch(browser):
    staff = await as_(browser, session())
    page = await staff.get("/duty/mediations?lang=en")
    assert '<html lang="en">' in page.text
    assert "Civil mediation" in page.text and "Open a mediation" in page.text
    assert ">One matter, one discussion</a>" in page.text and ">Welfare</a>" in page.text
    kept = await staff.get("/duty/welfare")  # no ?lang: the cookie keeps English
    assert "Record a collection" in kept.text and "Receipt number" in kept.text
    back = await staff.get("/duty/proposals?lang=zh")
    assert "登记议题" in back.text


@pytest.mark.parametrize(
    ("path", "form", "field", "says"),
    [
        ("/duty/welfare", {"benefit": "elderly_allowance", "amount": "abc"}, "amount", "金额"),
        ("/duty/welfare", {"benefit": "pension", "amount": "1"}, "benefit", "请从选项中选择"),
        ("/duty/welfare", {"benefit": "poverty_relief", "period": "2026-13"}, "period", "格式"),
        ("/duty/mediations", {"dispute_type": "theft", "summary": "x"}, "dispute_type", "选项"),
        (
            "/duty/mediations",
            {"dispute_type": "neighbour", "parties": "not-an-id!"},
            "parties",
            "格式",
        ),
        ("/duty/proposals", {"title": "", "content": "x"}, "title", "必填"),
        ("/duty/meetings", {"held_on": "yesterday"}, "held_on", "格式"),
    ],
    ids=["amount", "benefit", "period", "dispute-type", "parties", "title", "held-on"],
)
async def test_a_bad_form_value_is_a_422_naming_the_field(browser, path, form, field, says):
    if path == "/duty/meetings":  # the form needs a representative, here at another village
        staff = await as_(browser, session(OTHER_VILLAGE))
        await post(staff, "/duty/representatives", display_name="赵四")
    else:
        staff = await as_(browser, session())
    resp = await post(staff, path, **form)
    assert resp.status_code == 422
    assert says in error_beside(resp, field)
    assert f'aria-describedby="e-{field}"' in resp.text
