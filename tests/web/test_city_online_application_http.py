"""The city's online application (T1, L1) without a browser: the city's app in process on
PostgreSQL with the seed catalog, applicants' sessions signed by a key of this test (identity
is not running). A complete application becomes a city case numbered with the city's place
code, with its clock, status event (the supervision clock), audit entry and a slip whose
query code is shown once and finds the case on the look-up page; it waits on its department's
desk. Missing materials get one notice listing all of them, and nothing is stored; an item the
city does not take online gets a notice naming where to apply; a visitor not signed in is sent
to the applicant's sign-in. The JSON API answers the same through the same domain function."""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest_asyncio
from sqlalchemy import func, select, text

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case.models import CaseMaterial, CityCase, OnlineApplicant
from city_center.case.timers import CaseTimer
from city_center.catalog import bulk
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from city_center.supervision import service as supervision_service
from city_center.supervision.models import CaseClock
from govnet.events.v1 import events_pb2
from govnet_kit.audit import AuditEntry
from govnet_kit.calls import PendingCall
from govnet_kit.db import transaction
from govnet_kit.messaging import OutboxMessage
from govnet_kit.worktime import WorkCalendar
from tests.dbkit import fresh_sessions
from tests.tokens import applicant_token, key_set, staff_token

CITY = "341100000000"
PHONE = "13900000002"
ID_NUMBER = "341102198001011232"
ITEM = "GD-0001"  # cable TV and telephone: radio and television bureau, open online
MATERIALS = ("application", "id_card", "residence_proof")
PDF = b"%PDF-1.4\n% a scan\n%%EOF\n"


def token(*, kind: str = "applicant", phone: str = PHONE, dept: str = "") -> str:
    if kind == "applicant":
        return applicant_token(phone)
    return staff_token(tier="city", place=CITY, roles=["chief_representative"], dept=dept)


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city-online")
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await bulk.import_catalog(
                s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
            )
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def browser(app):
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
        yield client


async def signed_in(client: httpx.AsyncClient, session_token: str) -> httpx.AsyncClient:
    client.cookies.set("govnet_session", session_token)
    await client.get("/apply")  # the CSRF cookie, as a page visit leaves it
    return client


def details(**over: str) -> dict[str, str]:
    return {
        "name": "孙小梅",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "language": "zh",
        "channel": "sms",
        **over,
    }


async def post_application(client, item=ITEM, files=MATERIALS, lang="", **over):  # type: ignore[no-untyped-def]
    upload = {f"file_{c}": (f"{c}.pdf", PDF, "application/pdf") for c in files}
    query = f"?lang={lang}" if lang else ""
    return await client.post(
        f"/apply/{item}{query}",
        data={**details(**over), "csrf": client.cookies["govnet_csrf"]},
        files=upload or None,
    )


async def counts(runtime) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    async with transaction(runtime.sessions) as s:
        return (
            await s.scalar(select(func.count()).select_from(CityCase)),
            await s.scalar(select(func.count()).select_from(CaseMaterial)),
            await s.scalar(select(func.count()).select_from(OnlineApplicant)),
        )


async def test_a_visitor_not_signed_in_is_sent_to_the_applicants_sign_in(browser):
    assert 'href="/apply"' in (await browser.get("/catalog")).text  # on the public menu
    listed = await browser.get("/apply")
    assert listed.status_code == 200
    assert f'href="/apply/{ITEM}"' in listed.text and 'href="/apply/JS-0001"' in listed.text
    assert 'href="/apply/LY-0001"' not in listed.text  # a city item not open online
    assert 'href="/apply/JH-0001"' not in listed.text  # open online, but the township decides

    for resp in (
        await browser.get(f"/apply/{ITEM}"),
        await browser.post(f"/apply/{ITEM}", data={"csrf": browser.cookies["govnet_csrf"]}),
    ):
        assert resp.status_code == 303
        assert resp.headers["location"] == f"/apply/sign-in?next=/apply/{ITEM}"
    page = await browser.get(f"/apply/sign-in?next=/apply/{ITEM}")
    assert page.status_code == 200 and 'id="code-form"' in page.text
    assert f'value="/apply/{ITEM}"' in page.text

    # The code is identity's to send; unreachable here, which is said beside the phone.
    bad = await browser.post(
        "/apply/sign-in/code", data={"phone": "12345", "csrf": browser.cookies["govnet_csrf"]}
    )
    assert bad.status_code == 422 and 'id="e-phone"' in bad.text and "11位" in bad.text
    down = await browser.post(
        "/apply/sign-in/code?lang=en",
        data={"phone": PHONE, "csrf": browser.cookies["govnet_csrf"], "next": f"/apply/{ITEM}"},
    )
    assert down.status_code == 503 and 'id="e-phone"' in down.text
    assert 'id="f-code"' not in down.text

    # A staff session is not an applicant's (the page is in English now: the visitor chose it).
    staff = await signed_in(browser, token(kind="staff", dept="radio_television"))
    refused = await staff.get(f"/apply/{ITEM}")
    assert refused.status_code == 403 and "sign in as an applicant" in refused.text


async def test_an_online_application_is_accepted_with_its_slip_and_looked_up(app, browser):
    _, runtime = app
    applicant = await signed_in(browser, token())
    form = await applicant.get(f"/apply/{ITEM}")
    assert form.status_code == 200
    for code in MATERIALS:  # the form is the item's materials list, an upload each
        assert f'name="file_{code}"' in form.text

    done = await post_application(applicant)
    assert done.status_code == 303
    number = done.headers["location"].removeprefix("/apply/slip/")
    assert re.fullmatch(rf"{CITY}-\d{{8}}-0001", number)  # decision 5, the city's place code
    assert "query" not in done.headers["location"].lower()

    slip = await applicant.get(done.headers["location"])
    assert slip.status_code == 200 and 'class="printable"' in slip.text
    assert f'id="case-number">{number}<' in slip.text and "<svg" in slip.text
    code = re.search(r'id="query-code">([A-Z2-9]{8})<', slip.text)
    assert code is not None, slip.text
    assert 'id="query-code-once"' in slip.text
    assert re.search(r'id="deadline">\d{4}-\d{2}-\d{2} 24:00<', slip.text)  # decision 6
    again = await applicant.get(done.headers["location"])
    assert code.group(1) not in again.text  # shown once

    # Someone else's slip is not found.
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app[0]), base_url="http://c")
    try:
        await signed_in(other, token(phone="13900000003"))
        assert (await other.get(done.headers["location"])).status_code == 404
    finally:
        await other.aclose()

    found = await applicant.post(
        "/lookup",
        data={
            "case_number": number,
            "query_code": code.group(1),
            "csrf": applicant.cookies["govnet_csrf"],
        },
    )
    assert found.status_code == 200 and 'id="public-status">待审查<' in found.text
    assert "广电局" in found.text

    async with transaction(runtime.sessions) as s:
        case = await s.scalar(select(CityCase).where(CityCase.case_number == number))
        assert case.origin == "online" and case.origin_place_code == CITY
        assert case.department_code == "radio_television"
        assert (case.applicant_name, case.applicant_id_number) == ("孙小梅", ID_NUMBER)
        # Working days from the acceptance day, as an escalated case's (decision 6).
        due = WorkCalendar(confirmed_years=runtime.settings.confirmed_calendar_years).deadline(
            case.accepted_at, 5
        )
        assert case.deadline == due.due_at
        assert await s.get(CaseTimer, case.id) is not None
        materials = await s.scalars(
            select(CaseMaterial.code).where(CaseMaterial.case_id == case.id)
        )
        assert sorted(materials) == sorted(MATERIALS)
        contact = await s.get(OnlineApplicant, case.id)
        assert contact.phone == PHONE
        raw = await s.scalars(text("SELECT phone FROM city_online_applicant"))
        assert PHONE not in " ".join(raw)  # encrypted at rest
        entry = await s.scalar(
            select(AuditEntry).where(
                AuditEntry.case_number == number, AuditEntry.action == "case.accepted"
            )
        )
        assert entry is not None and json.loads(entry.data)["origin"] == "online"
        # The contact goes to notify after commit, retried until acknowledged (N1).
        call = await s.scalar(select(PendingCall).where(PendingCall.key == number))
        assert call is not None and call.kind == "register_recipients"
        # The status event the supervision consumer folds into the case's clock (S1).
        events = [
            events_pb2.CaseStatusChanged.FromString(m.payload)
            for m in await s.scalars(
                select(OutboxMessage).where(OutboxMessage.subject.like("govnet.case.status.%"))
            )
        ]
        event = next(e for e in events if e.case_number == number)
        await supervision_service.project(s, event, working_days=1, calendar=WorkCalendar())
        clock = await s.scalar(select(CaseClock).where(CaseClock.case_number == number))
        assert clock.tier == "city" and clock.department_code == "radio_television"

    # On the desk of the item's department, like an escalated case; not on another's.
    rep = await signed_in(browser, token(kind="staff", dept="radio_television"))
    desk = (await rep.get("/desk")).text
    assert number in desk[desk.index('id="waiting"') :]
    assert (await rep.get(f"/desk/cases/{number}")).status_code == 200
    rep.cookies.set("govnet_session", token(kind="staff", dept="forestry"))
    assert number not in (await rep.get("/desk")).text


async def test_missing_materials_get_one_notice_listing_all_and_nothing_is_stored(app, browser):
    _, runtime = app
    applicant = await signed_in(browser, token())
    before = await counts(runtime)
    resp = await post_application(applicant, files=("application",))
    assert resp.status_code == 200 and 'id="notice"' in resp.text
    missing = re.findall(r'<li data-code="([a-z_]+)">', resp.text)
    assert missing == ["id_card", "residence_proof"]  # all of them, at once
    assert "申请人身份证" in resp.text and "住所证明" in resp.text
    english = await post_application(applicant, files=(), lang="en")
    assert re.findall(r'<li data-code="([a-z_]+)">', english.text) == list(MATERIALS)
    assert "Proof of residence" in english.text
    assert await counts(runtime) == before


async def test_mistakes_are_said_beside_their_fields_in_both_languages(app, browser):
    _, runtime = app
    applicant = await signed_in(browser, token())
    before = await counts(runtime)
    wrong = await post_application(applicant, id_number="341102198001011233", name="")
    assert wrong.status_code == 422
    assert 'id="e-id_number"' in wrong.text and "校验码" in wrong.text
    assert 'id="e-name"' in wrong.text
    other_phone = await post_application(applicant, phone="13900000009", lang="en")
    assert other_phone.status_code == 422
    assert 'id="e-phone"' in other_phone.text and "signed in with" in other_phone.text
    assert await counts(runtime) == before


async def test_an_item_the_city_does_not_take_online_names_where_to_apply(app, browser):
    _, runtime = app
    applicant = await signed_in(browser, token())
    before = await counts(runtime)
    page = await applicant.get("/apply/LY-0001")  # a city item, not open to online application
    assert page.status_code == 200 and 'id="redirect-notice"' in page.text
    assert 'id="apply-form"' not in page.text
    notice = page.text[page.text.index('id="redirect-text"') :]
    assert "不接受网上申请" in notice and "市行政服务中心" in notice and "林业局窗口" in notice
    posted = await post_application(applicant, item="LY-0001", files=())
    assert posted.status_code == 200 and 'id="redirect-notice"' in posted.text
    township = await applicant.get("/apply/JH-0001?lang=en")  # decided by the township
    assert "is decided by the township, not by the city" in township.text
    assert "township service hall" in township.text
    assert await counts(runtime) == before


async def test_the_json_api_answers_the_same(app):
    _, runtime = app
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://city") as api:
        headers = {"Authorization": f"Bearer {token()}"}
        body = {
            "item_code": "JS-0001",
            "applicant": {"name": "周建国", "id_number": ID_NUMBER, "phone": PHONE},
            "materials": [
                {
                    "code": "application",
                    "filename": "a.pdf",
                    "content_type": "application/pdf",
                    "content_base64": base64.b64encode(PDF).decode(),
                }
            ],
        }
        notice = await api.post("/api/v1/applicant/applications", json=body, headers=headers)
        assert notice.status_code == 200 and notice.json()["outcome"] == "incomplete"
        assert len(notice.json()["one_time_notice"]["missing"]) == 4

        redirected = await api.post(
            "/api/v1/applicant/applications", json={**body, "item_code": "LY-0001"}, headers=headers
        )
        assert redirected.json()["redirect_notice"]["apply_at_tiers"] == ["city", "town", "village"]

        js = ("application", "land_use", "works_planning", "contract", "drawings_review")
        body["materials"] = [{**body["materials"][0], "code": c} for c in js]
        accepted = await api.post("/api/v1/applicant/applications", json=body, headers=headers)
        assert accepted.status_code == 201, accepted.text
        slip = accepted.json()["acceptance_slip"]
        assert slip["case_number"].startswith(f"{CITY}-") and len(slip["query_code"]) == 8
        looked_up = await api.get(
            f"/api/v1/public/cases/{slip['case_number']}",
            params={"query_code": slip["query_code"]},
        )
        assert (
            looked_up.status_code == 200 and looked_up.json()["department_code"] == "construction"
        )

        staff = {"Authorization": f"Bearer {token(kind='staff', dept='construction')}"}
        refused = await api.post("/api/v1/applicant/applications", json=body, headers=staff)
        assert refused.status_code == 403
