"""The village room's record pages without a browser: the village's app in process on PostgreSQL,
with tokens signed by a key of this test. A signed-out visitor is sent to sign in and staff of
another tier or village are refused; a mediation is opened, its session and agreement recorded;
a welfare collection is listed; a proposal goes through the committees to a meeting whose vote
without quorum is refused beside the form (nothing recorded), then to a quorate vote, a decision
and its publication; English with the switch; a bad value is a 422 naming its field. Staff name
people by ID card number (or record number) and see them by masked name; an ID number not
registered at this village is refused beside its field with nothing stored; a visit on today's
page opens a mediation that settles it; the discussion rules edited on the page decide the next
meeting's quorum."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

import village_room.models  # noqa: F401 - registers the service's tables
from govnet_kit.db import transaction, utcnow
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions
from tests.tokens import key_set, staff_token
from tests.village_room.roomkit import an_id_number, new_applicant
from village_room.config import VillageRoomSettings
from village_room.main import build
from village_room.mediation import service as mediation_service
from village_room.mediation.models import Mediation
from village_room.proposal.models import Proposal, RepresentativeVote
from village_room.room.dependencies import calendar_of
from village_room.welfare.models import WelfareCollection

VILLAGE, OTHER_VILLAGE, TOWNSHIP = "341102101201", "341102101202", "341102101000"
RULES_VILLAGE = "341102101203"  # a village of its own: its rules change the quorum
PAGES = ["/duty/mediations", "/duty/welfare", "/duty/proposals", "/duty/meetings"]
TODAY = utcnow().astimezone(SHANGHAI).date()


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("village-records")
    async with fresh_sessions("postgresql", tmp) as sessions:
        settings = VillageRoomSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
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
    town = await as_(browser, staff_token(tier="town", place=TOWNSHIP))
    for path in PAGES:
        resp = await town.get(path)
        assert resp.status_code == 403, path
        assert "无权在本层级办理" in resp.text and '<html lang="zh-CN">' in resp.text
    other = await as_(browser, staff_token(place=OTHER_VILLAGE))
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
    staff = await as_(browser, staff_token(sub="mediator-1"))
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
    staff = await as_(browser, staff_token(sub="collector-7"))
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
    for shown in ("2026-10", "老年人待遇代领", "钱**", "150.50", "collector-7"):
        assert shown in row, shown

    # The same month's benefit again: refused beside the month, naming who collected it.
    again = await post(staff, "/duty/welfare", **{**form, "receipt_number": "R-2026-0102"})
    assert again.status_code == 422
    assert "collector-7" in error_beside(again, "period")
    assert "R-2026-0102" not in (await staff.get("/duty/welfare")).text


async def test_a_proposal_goes_to_a_vote_refused_without_quorum_then_decided(app, browser):
    _, runtime = app
    staff = await as_(browser, staff_token(sub="clerk-3"))
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
    staff = await as_(browser, staff_token())
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
        staff = await as_(browser, staff_token(place=OTHER_VILLAGE))
        await post(staff, "/duty/representatives", display_name="赵四")
    else:
        staff = await as_(browser, staff_token())
    resp = await post(staff, path, **form)
    assert resp.status_code == 422
    assert says in error_beside(resp, field)
    assert f'aria-describedby="e-{field}"' in resp.text


async def count(runtime, model) -> int:  # type: ignore[no-untyped-def]
    async with transaction(runtime.sessions) as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_people_named_by_id_number_are_shown_by_masked_name(app, browser):
    _, runtime = app
    sun_id, li_id = an_id_number(301, "19580704"), an_id_number(302, "19610912")
    sun = await new_applicant(runtime, name="孙大山", id_number=sun_id)
    li = await new_applicant(runtime, name="李秀英", id_number=li_id)
    staff = await as_(browser, staff_token())
    form = await staff.get("/duty/mediations")
    assert "当事人身份证号或登记编号" in form.text and "本村登记的身份证号或登记编号" in form.text

    # One party by ID card number (a lower-case x is the same), the other by record number.
    opened = await post(
        staff,
        "/duty/mediations",
        dispute_type="neighbour",
        parties=f"{sun_id.lower()}\n{li}",
        summary="排水沟争议",
    )
    assert opened.status_code == 303, opened.text
    page = (await staff.get(opened.headers["location"])).text
    parties = page.split('id="parties"')[1].split("</td>")[0]
    assert "孙**" in parties and "李**" in parties
    assert f'data-id="{sun}"' in parties and f'data-id="{li}"' in parties
    assert sun_id[:4] + "*" * 10 + sun_id[-4:] in parties  # what tells two namesakes apart
    assert sun_id not in page and "孙大山" not in page and "13900000000" not in page

    done = await post(
        staff,
        "/duty/welfare",
        benefit="poverty_relief",
        beneficiary_applicant_id=li_id,
        period="2026-09",
        amount="300",
        receipt_number="R-ID-0001",
    )
    assert done.status_code == 303, done.text
    listing = (await staff.get("/duty/welfare?period=2026-09")).text
    row = listing.split('data-receipt="R-ID-0001"')[1].split("</tr>")[0]
    assert "李**" in row and f'data-id="{li}"' in row and li_id not in listing

    filed = await post(
        staff,
        "/duty/proposals",
        title="修建文化广场",
        content="村口空地",
        proposer_applicant_id=sun_id,
    )
    assert filed.status_code == 303, filed.text
    page = (await staff.get(filed.headers["location"])).text
    assert "孙**" in page.split('id="proposer"')[1].split("</td>")[0] and sun_id not in page


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/duty/mediations", {"dispute_type": "neighbour", "summary": "x"}, "parties"),
        (
            "/duty/welfare",
            {
                "benefit": "elderly_allowance",
                "period": "2026-08",
                "amount": "100",
                "receipt_number": "R-NOBODY",
            },
            "beneficiary_applicant_id",
        ),
        ("/duty/proposals", {"title": "无人提议", "content": "x"}, "proposer_applicant_id"),
    ],
    ids=["mediation", "welfare", "proposal"],
)
async def test_an_id_number_not_registered_here_is_refused_and_nothing_stored(
    app, browser, path, form, field
):
    _, runtime = app
    here = await new_applicant(runtime, name="陈一", id_number=an_id_number(401))
    elsewhere = an_id_number(402)
    await new_applicant(runtime, OTHER_VILLAGE, name="林二", id_number=elsewhere)
    model = {"parties": Mediation, "proposer_applicant_id": Proposal}.get(field, WelfareCollection)
    before = await count(runtime, model)
    staff = await as_(browser, staff_token())
    typed = f"{here}\n{elsewhere}" if field == "parties" else elsewhere
    refused = await post(staff, path, **form, **{field: typed})
    assert refused.status_code == 422
    assert error_beside(refused, field).startswith("本村无此身份证号的登记")
    assert f'aria-describedby="e-{field}"' in refused.text
    assert elsewhere in refused.text  # what was typed is kept in the field, to correct it
    english = await post(staff, f"{path}?lang=en", **form, **{field: typed})
    assert english.status_code == 422
    assert error_beside(english, field).startswith(
        "no one registered at this village with that ID number"
    )
    malformed = await post(staff, f"{path}?lang=zh", **form, **{field: elsewhere[:17] + "Z"})
    assert malformed.status_code == 422 and "格式不正确" in error_beside(malformed, field)
    wrong_check = elsewhere[:17] + ("0" if elsewhere[17] != "0" else "1")
    malformed = await post(staff, path, **form, **{field: wrong_check})
    assert error_beside(malformed, field).startswith("身份证号格式不正确")
    assert await count(runtime, model) == before


async def test_a_visit_on_todays_page_opens_a_mediation_that_settles_it(app, browser):
    _, runtime = app
    parties = [await new_applicant(runtime, id_number=an_id_number(500 + n)) for n in range(2)]
    staff = await as_(browser, staff_token())
    registered = await post(staff, "/duty/visits", topic="邻里漏水纠纷")
    assert registered.status_code == 303
    today = (await staff.get("/duty")).text
    row = today.split("邻里漏水纠纷")[1].split("</tr>")[0]
    link = re.search(r'class="mediate-link" href="([^"]+)">调解<', row)
    assert link and link.group(1).startswith("/duty/mediations?visit=")
    visit_id = link.group(1).rsplit("=", 1)[1]
    form = (await staff.get(link.group(1))).text
    assert f'name="visit_id" value="{visit_id}"' in form and 'id="from-visit"' in form
    opened = await post(
        staff,
        "/duty/mediations",
        visit_id=visit_id,
        dispute_type="neighbour",
        parties="\n".join(parties),
        summary="楼上漏水",
    )
    assert opened.status_code == 303, opened.text
    row = (await staff.get("/duty")).text.split("邻里漏水纠纷")[1].split("</tr>")[0]
    assert "<td>调解" in row and "mediate-link" not in row  # the register says "mediated"
    async with transaction(runtime.sessions) as s:
        row_id = opened.headers["location"].split("?")[0].rsplit("/", 1)[1]
        assert (await s.get(Mediation, row_id)).visit_id == visit_id  # type: ignore[union-attr]
    await post(staff, "/duty/visits", topic="宅基地界址")
    english = (await staff.get("/duty?lang=en")).text
    assert "<td>mediated" in english.split("邻里漏水纠纷")[1].split("</tr>")[0]
    assert ">Mediate</a>" in english.split("宅基地界址")[1].split("</tr>")[0]


async def test_rules_edited_on_the_page_decide_the_next_meetings_quorum(app, browser):
    town = await as_(browser, staff_token(tier="town", place=TOWNSHIP))
    assert (await post(town, "/duty/discussion-rules", quorum_numerator="1")).status_code == 403
    staff = await as_(browser, staff_token(place=RULES_VILLAGE, sub="clerk-9"))
    page = (await staff.get("/duty/meetings")).text
    assert 'id="rules-form"' in page and 'name="quorum_numerator" type="text" value="2"' in page
    for name in ("甲", "乙", "丙"):
        await post(staff, "/duty/representatives", display_name=name)
    rules = {
        "quorum_numerator": "1",
        "quorum_denominator": "3",
        "adoption_numerator": "1",
        "adoption_denominator": "2",
        "deadline_working_days": "5",
    }
    too_many = await post(staff, "/duty/discussion-rules", **{**rules, "quorum_numerator": "4"})
    assert too_many.status_code == 422
    assert error_beside(too_many, "quorum_numerator") == "法定人数不能超过代表总数"
    not_number = await post(
        staff, "/duty/discussion-rules", **{**rules, "adoption_denominator": "x"}
    )
    assert error_beside(not_number, "adoption_denominator") == "请填写整数"
    too_long = await post(
        staff, "/duty/discussion-rules", **{**rules, "deadline_working_days": "99"}
    )
    assert error_beside(too_long, "deadline_working_days") == "不能大于 60"
    assert "2/3" in (await staff.get("/duty/meetings")).text  # nothing saved so far

    saved = await post(staff, "/duty/discussion-rules", **rules)
    assert saved.status_code == 303 and saved.headers["location"] == "/duty/meetings?done=rules"
    page = (await staff.get(saved.headers["location"])).text
    assert "议事规则已保存" in page and "代表总数的 1/3 出席" in page
    public = (await browser.get(f"/api/v1/rooms/{RULES_VILLAGE}/discussion-rules")).json()
    assert (public["quorum_numerator"], public["quorum_denominator"]) == (1, 3)

    # One of three present is now a quorum: the vote is recorded and counted.
    filed = await post(staff, "/duty/proposals", title="安装路灯", content="主路十盏")
    proposal = filed.headers["location"].split("?")[0]
    pid = proposal.rsplit("/", 1)[1]
    await post(staff, f"{proposal}/study", committees_opinion="同意")
    reps = dict(re.findall(r'value="([0-9a-f-]{36})"\s*>\s*(\S+)\s*</label>', page))
    one = next(rid for rid, name in reps.items() if name == "甲")
    met = await post(staff, "/duty/meetings", held_on=str(TODAY), present_representative_ids=[one])
    meeting = met.headers["location"].split("?")[0]
    assert "已达到法定人数" in (await staff.get(meeting)).text
    voted = await post(staff, f"{meeting}/proposals/{pid}/votes", **{f"vote_{one}": "for"})
    assert voted.status_code == 303, voted.text
    decided = await post(staff, f"{meeting}/proposals/{pid}/decision")
    assert decided.status_code == 303
    assert 'id="status">通过<' in (await staff.get(proposal)).text
