"""The city's pages without a browser: the city's app in process on PostgreSQL, with tokens
signed by a key of this test. A signed-out visitor to a staff page is sent to sign in, a staff
member of another role or department gets a refusal page in their language, a forged form does
nothing, an identity that cannot be reached is said beside the decision's button with nothing
decided, the clock extended and stopped for a supplement from the desk, and a joint item's meeting is convened from the desk and waits on the desks of the
departments it names (their opinions need identity's credentials: the browser suite's part)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.case.models import CaseDecision, CityCase
from city_center.catalog import bulk
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from city_center.supervision.models import StaffMessage
from govnet.common.v1 import case_pb2
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from tests.dbkit import fresh_sessions
from tests.tokens import key_set, staff_token

CASE = "341102101201-20261128-0001"
JOINT_CASE = "341102101201-20261128-0002"  # FG-0001: development and reform, with three others
LAND_CASE = "341102101201-20261128-0003"  # GT-0001: land resources; may be extended 10 days
WARNED = "3f0c2a5e-0000-4000-8000-00000000a001"  # a forestry representative with a warning
STAFF_PAGES = [
    "/desk",
    f"/desk/cases/{CASE}",
    "/supervision",
    "/supervision/complaints",
    "/supervision/audit",
    "/console",
    "/console/calendar",
]
PUBLIC_PAGES = [
    "/catalog",
    "/catalog/LY-0001",
    "/appraisal",
    "/complaints/new",
    "/complaints/follow",
    "/lookup",
]


def session(*roles: str, dept: str = "", tier: str = "city", sub: str = "") -> str:
    return staff_token(tier=tier, roles=roles, dept=dept, sub=sub or None)


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    """The city's app on PostgreSQL with the seed catalog and one case up from a village.
    Identity is not running: its address answers nothing."""
    tmp = tmp_path_factory.mktemp("city-pages")
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await bulk.import_catalog(
                s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
            )
            now = utcnow()
            transfer = case_pb2.CaseTransfer(
                case_number=CASE,
                query_code="ABCD2345",
                item_code="LY-0001",
                item_version=1,
                origin_place_code="341102101201",
                sender_place_code="341102101000",
                applicant=case_pb2.Applicant(
                    name="赵大山", id_number="341102198001011232", phone="13800000001"
                ),
                accepted_at=ts(now),
                deadline=ts(now + timedelta(days=14)),
            )
            await case_service.receive(s, transfer=transfer, city_place_code="341100000000")
            transfer.case_number, transfer.item_code = JOINT_CASE, "FG-0001"
            await case_service.receive(s, transfer=transfer, city_place_code="341100000000")
            transfer.case_number, transfer.item_code = LAND_CASE, "GT-0001"
            await case_service.receive(s, transfer=transfer, city_place_code="341100000000")
            s.add(
                StaffMessage(
                    case_number=CASE,
                    tier="city",
                    kind="overdue",
                    staff_id=WARNED,
                    place_code="341100000000",
                    department_code="forestry",
                    deadline=now,
                )
            )
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    """A fresh cookie jar: a visitor of their own."""
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
        yield client


async def as_(client: httpx.AsyncClient, token: str) -> httpx.AsyncClient:
    client.cookies.set("govnet_session", token)
    await client.get("/catalog")  # the CSRF cookie, as a page visit leaves it
    return client


async def test_public_pages_open_and_staff_pages_ask_to_sign_in(browser):
    for path in PUBLIC_PAGES:
        page = await browser.get(path)
        assert page.status_code == 200, path
        assert 'href="/lookup"' in page.text, path  # every public page leads to the look-up
    for path in STAFF_PAGES:
        resp = await browser.get(path)
        assert resp.status_code == 303, path
        assert resp.headers["location"] == f"/staff/sign-in?next={path}"


# Who signs in (roles, department, tier): the token is minted in the test, not at collection,
# so that a long suite run does not hand it over expired.
@pytest.mark.parametrize(
    ("who", "path", "refusal"),
    [
        ((("chief_representative",), "forestry", "city"), "/supervision", "无权使用电子监察"),
        ((("supervisor",), "", "city"), "/console", "无权使用管理控制台"),
        ((("administrator",), "", "city"), "/desk", "无权使用首席代表工作台"),
        ((("village_staff",), "", "village"), "/desk", "无权使用首席代表工作台"),
        (
            (("chief_representative",), "land_resources", "city"),
            f"/desk/cases/{CASE}",
            "非本部门办件",
        ),
    ],
    ids=["rep-supervision", "supervisor-console", "admin-desk", "village-desk", "other-department"],
)
async def test_a_page_of_another_role_or_department_is_refused(browser, who, path, refusal):
    roles, dept, tier = who
    resp = await (await as_(browser, session(*roles, dept=dept, tier=tier))).get(path)
    assert resp.status_code == 403
    assert refusal in resp.text and '<html lang="zh-CN">' in resp.text


async def test_a_forged_form_changes_nothing(browser):
    admin = await as_(browser, session("administrator"))
    forged = await admin.post("/console/drafts", data={"code": "YC-0001", "csrf": "forged"})
    assert forged.status_code == 403
    assert "/console/drafts/YC-0001" not in (await admin.get("/console")).text


async def test_identity_unreachable_is_said_beside_the_button(browser):
    rep = await as_(browser, session("chief_representative", dept="forestry"))
    resp = await rep.post(
        f"/desk/cases/{CASE}/decision",
        data={"outcome": "approve", "csrf": rep.cookies["govnet_csrf"]},
    )
    assert resp.status_code == 503
    assert 'id="e-decision"' in resp.text and "暂时不可用" in resp.text
    page = await rep.get(f"/desk/cases/{CASE}")
    assert 'id="status">待审查<' in page.text  # nothing was decided


async def test_a_joint_meeting_is_convened_and_waits_for_the_departments(app):
    async def visitor(token: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app[0]), base_url="http://c")
        return await as_(client, token)

    lead = await visitor(session("chief_representative", dept="development_reform"))
    land = await visitor(session("chief_representative", dept="land_resources"))
    try:
        # Before the meeting the case is the lead department's alone.
        before = await land.get(f"/desk/cases/{JOINT_CASE}")
        assert before.status_code == 403 and "非本部门办件" in before.text

        done = await lead.post(
            f"/desk/cases/{JOINT_CASE}/joint-meeting",
            data={"working_days": "5", "csrf": lead.cookies["govnet_csrf"]},
        )
        assert done.status_code == 303
        page = (await lead.get(done.headers["location"])).text
        assert "联席会议已召集" in page and 'id="status">审查中<' in page
        for department in ("land_resources", "environmental_protection", "construction"):
            assert f'data-department="{department}"><td>' in page
        assert page.count("待提出") == 3

        # The land resources bureau finds it on its desk and may give its opinion.
        assert JOINT_CASE in (await land.get("/desk")).text.split('id="meetings"')[1]
        page = (await land.get(f"/desk/cases/{JOINT_CASE}")).text
        assert 'id="opinion-form"' in page and 'id="decision-form"' not in page
    finally:
        await lead.aclose()
        await land.aclose()


async def test_the_desk_extends_the_clock_and_stops_it_for_a_supplement(browser):
    rep = await as_(browser, session("chief_representative", dept="land_resources"))
    page = f"/desk/cases/{LAND_CASE}"

    def post(step: str, **data: str | list[str]):  # type: ignore[no-untyped-def]
        return rep.post(f"{page}/{step}", data={**data, "csrf": rep.cookies["govnet_csrf"]})

    too_long = await post("extension", days="11", extension_reason="现场踏勘需要时间")
    assert too_long.status_code == 422 and 'id="e-days"' in too_long.text  # at most 10
    extended = await post("extension", days="5", extension_reason="现场踏勘需要时间")
    assert extended.status_code == 303
    assert 'id="extend-form"' not in (await rep.get(page)).text  # once only

    nothing = await post("suspension", note="请补充")
    assert nothing.status_code == 422
    assert 'aria-describedby="e-material_codes"' in nothing.text
    asked = await post("suspension", material_codes=["site_plan", "id_card"], note="原件模糊")
    assert asked.status_code == 303
    after = (await rep.get(page)).text
    assert 'id="status">中止（待补正）<' in after and "计时中止，剩余" in after
    assert 'id="supplement"' in after and "原件模糊" in after
    assert 'id="suspend-form"' not in after and 'id="decision-form"' not in after


async def test_the_desk_shows_the_representatives_own_warnings(browser):
    mine = await as_(browser, session("chief_representative", dept="forestry", sub=WARNED))
    page = (await mine.get("/desk")).text
    assert 'id="warnings"' in page and f'href="/desk/cases/{CASE}"' in page and "已超期" in page
    browser.cookies.set("govnet_session", session("chief_representative", dept="forestry"))
    assert 'id="warnings"' not in (await browser.get("/desk")).text  # a colleague's are not


async def test_a_decision_just_made_heads_the_decided_list_however_many_came_before(app, browser):
    """Sixty older decisions with sooner deadlines, then one made now with the latest deadline:
    the desk shows the new one first among the last fifty, and every waiting case still."""
    _, runtime = app
    now = utcnow()
    async with transaction(runtime.sessions) as s:
        for i in range(61):
            newest = i == 60
            case = CityCase(
                case_number=f"341102101201-20261127-{500 + i:04d}",
                item_code="LY-0001",
                item_version=1,
                department_code="forestry",
                origin_place_code="341102101201",
                sender_place_code="341102101000",
                status=case_pb2.CASE_STATUS_APPROVED,
                applicant_name="钱二",
                applicant_id_number="341102198001011232",
                accepted_at=now - timedelta(days=30),
                deadline=now + timedelta(days=90 if newest else i),
            )
            s.add(case)
            await s.flush()
            s.add(
                CaseDecision(
                    case_id=case.id,
                    status=case.status,
                    document_title="准予林木采伐许可决定书",
                    document_text="",
                    department_code="forestry",
                    decided_by=WARNED,
                    credential_id="test",
                    decided_at=now if newest else now - timedelta(days=20, minutes=i),
                )
            )
    rep = await as_(browser, session("chief_representative", dept="forestry"))
    page = (await rep.get("/desk")).text
    decided = page[page.index('id="decided"') :]
    numbers = re.findall(r"341102101201-20261127-\d{4}", decided)
    assert numbers[0] == "341102101201-20261127-0560"
    assert len(set(numbers)) == 50  # the latest fifty, not the fifty due soonest
    assert CASE in page[: page.index('id="decided"')]  # still waiting, still shown
