"""The village's services, each recorded through the HTTP API on PostgreSQL and SQLite:
certificate agency, consultations, welfare collections, civil mediation and economic development.
Bad input is refused naming the field; the visit each one came from gets its outcome."""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlalchemy import select

from govnet_kit.audit import AuditEntry
from govnet_kit.db import utcnow
from govnet_kit.worktime import SHANGHAI
from tests.village_room.roomkit import (
    OTHER_VILLAGE,
    VILLAGE,
    field_of,
    new_applicant,
    room_app,
    staff,
)

ROOM = f"/api/v1/rooms/{VILLAGE}"
NOBODY = "00000000-0000-0000-0000-000000000000"
TODAY = utcnow().astimezone(SHANGHAI).date().isoformat()


@pytest_asyncio.fixture(scope="module", params=["postgresql", "sqlite"])
async def app(request, tmp_path_factory):
    async with room_app(request.param, tmp_path_factory.mktemp("services")) as pair:
        yield pair


@pytest_asyncio.fixture(scope="module")
async def people(app):
    return [await new_applicant(app[1]) for _ in range(3)]


async def a_visit(client, topic: str = "来访") -> str:
    r = await client.post(
        "/api/v1/visits", json={"place_code": VILLAGE, "topic": topic}, headers=staff()
    )
    return r.json()["id"]


async def outcome_of(client, visit_id: str) -> str:
    visits = (await client.get("/api/v1/visits?limit=500", headers=staff())).json()
    return next(v["outcome"] for v in visits if v["id"] == visit_id)


async def test_certificate_agency_recorded_and_handed_over_once(app, people):
    client, _ = app
    visit = await a_visit(client, "代办宅基地审批")
    r = await client.post(
        f"{ROOM}/agency",
        json={"kind": "rural_housing_land", "applicant_id": people[0], "visit_id": visit},
        headers=staff(sub="agent-1"),
    )
    assert r.status_code == 201, r.text
    record = r.json()
    assert record["kind_zh"] == "农村宅基地审批"
    assert await outcome_of(client, visit) == "applied_as_agent"
    r = await client.post(f"{ROOM}/agency/{record['id']}/handover", headers=staff(sub="agent-2"))
    assert r.status_code == 200 and r.json()["handed_over_by"] == "agent-2"
    r = await client.post(f"{ROOM}/agency/{record['id']}/handover", headers=staff())
    assert r.status_code == 409 and "agent-2" in r.json()["message"]
    listed = (await client.get(f"{ROOM}/agency?kind=rural_housing_land", headers=staff())).json()
    assert [x["id"] for x in listed] == [record["id"]]
    # Another village's staff neither see nor hand over this room's records.
    r = await client.post(f"{ROOM}/agency/{record['id']}/handover", headers=staff(OTHER_VILLAGE))
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/rooms/{OTHER_VILLAGE}/agency/{record['id']}/handover",
        headers=staff(OTHER_VILLAGE),
    )
    assert (r.status_code, field_of(r)) == (404, "id")


async def test_consultations_in_each_field_settle_the_visit(app, people):
    client, _ = app
    for field in ("legal", "social_security_fund", "farming_technique", "labour_talent_info"):
        visit = await a_visit(client, f"咨询 {field}")
        referred = "县人社局" if field == "labour_talent_info" else ""
        r = await client.post(
            f"{ROOM}/consultations",
            json={
                "field": field,
                "question": "问题",
                "answer": "答复",
                "referred_to": referred,
                "applicant_id": people[1],
                "visit_id": visit,
            },
            headers=staff(),
        )
        assert r.status_code == 201, r.text
        assert await outcome_of(client, visit) == ("redirected" if referred else "consulted")
    legal = (await client.get(f"{ROOM}/consultations?field=legal", headers=staff())).json()
    assert len(legal) == 1 and legal[0]["answer"] == "答复"


async def test_welfare_collection_records_who_for_whom_and_the_receipt(app, people):
    client, runtime = app
    body = {
        "benefit": "elderly_allowance",
        "beneficiary_applicant_id": people[2],
        "period": "2026-10",
        "amount_fen": 15000,
        "receipt_number": "R-2026-0001",
    }
    r = await client.post(f"{ROOM}/welfare-collections", json=body, headers=staff(sub="collector"))
    assert r.status_code == 201, r.text
    got = r.json()
    assert (
        got["collected_by_staff_id"],
        got["beneficiary_applicant_id"],
        got["receipt_number"],
    ) == ("collector", people[2], "R-2026-0001")
    # The same receipt again, or the same month's benefit again: refused, naming who has it.
    r = await client.post(
        f"{ROOM}/welfare-collections", json={**body, "period": "2026-11"}, headers=staff()
    )
    assert (r.status_code, r.json()["field"]) == (409, "receipt_number")
    assert "collector" in r.json()["message"]
    r = await client.post(
        f"{ROOM}/welfare-collections",
        json={**body, "receipt_number": "R-2026-0002"},
        headers=staff(),
    )
    assert (r.status_code, r.json()["field"]) == (409, "period")
    assert "R-2026-0001" in r.json()["message_zh"]
    # A left-behind child's allowance for the same month is another benefit.
    r = await client.post(
        f"{ROOM}/welfare-collections",
        json={**body, "benefit": "left_behind_children", "receipt_number": "R-2026-0003"},
        headers=staff(),
    )
    assert r.status_code == 201
    listed = (
        await client.get(
            f"{ROOM}/welfare-collections?beneficiary_applicant_id={people[2]}", headers=staff()
        )
    ).json()
    assert len(listed) == 2
    async with runtime.sessions() as s:
        entry = await s.scalar(
            select(AuditEntry).where(AuditEntry.action == "welfare.collected").limit(1)
        )
    assert entry.subject_ref == f"applicant:{people[2]}"
    assert entry.facts["receipt_number"] == "R-2026-0001"


async def test_mediation_sessions_then_agreement_or_referral(app, people):
    client, _ = app
    visit = await a_visit(client, "邻里排水纠纷")
    r = await client.post(
        f"{ROOM}/mediations",
        json={
            "dispute_type": "neighbour",
            "summary": "排水沟堵塞",
            "party_applicant_ids": people[:2],
            "visit_id": visit,
        },
        headers=staff(),
    )
    assert r.status_code == 201, r.text
    mediation = r.json()
    assert await outcome_of(client, visit) == "mediated"
    url = f"{ROOM}/mediations/{mediation['id']}"
    # No closing before a session is held.
    r = await client.post(
        f"{url}/outcome", json={"outcome": "agreement", "agreement": "共同清理"}, headers=staff()
    )
    assert r.status_code == 409
    for _ in range(2):
        r = await client.post(
            f"{url}/sessions", json={"held_on": TODAY, "notes": "双方到场"}, headers=staff()
        )
        assert r.status_code == 201, r.text
    assert r.json()["number"] == 2
    r = await client.post(f"{url}/outcome", json={"outcome": "agreement"}, headers=staff())
    assert (r.status_code, field_of(r)) == (422, "agreement")
    r = await client.post(
        f"{url}/outcome",
        json={"outcome": "agreement", "agreement": "共同清理排水沟"},
        headers=staff(),
    )
    assert r.status_code == 200
    closed = r.json()
    assert (closed["status"], len(closed["sessions"])) == ("agreement", 2)
    r = await client.post(
        f"{url}/sessions", json={"held_on": TODAY, "notes": "再次"}, headers=staff()
    )
    assert r.status_code == 409

    r = await client.post(
        f"{ROOM}/mediations",
        json={
            "dispute_type": "land_contract",
            "summary": "承包地边界",
            "party_applicant_ids": [people[0], people[2]],
        },
        headers=staff(),
    )
    url = f"{ROOM}/mediations/{r.json()['id']}"
    await client.post(
        f"{url}/sessions", json={"held_on": TODAY, "notes": "未达成"}, headers=staff()
    )
    r = await client.post(f"{url}/outcome", json={"outcome": "referral"}, headers=staff())
    assert (r.status_code, field_of(r)) == (422, "referred_to")
    r = await client.post(
        f"{url}/outcome", json={"outcome": "referral", "referred_to": "乡镇司法所"}, headers=staff()
    )
    assert r.json()["status"] == "referral"
    referrals = (await client.get(f"{ROOM}/mediations?status=referral", headers=staff())).json()
    assert [m["referred_to"] for m in referrals] == ["乡镇司法所"]


async def test_development_activities_with_sessions_and_attendance(app, people):
    client, _ = app
    r = await client.post(
        f"{ROOM}/development/activities",
        json={"kind": "training", "title": "茶叶种植培训"},
        headers=staff(),
    )
    assert r.status_code == 201
    url = f"{ROOM}/development/activities/{r.json()['id']}"
    r = await client.post(
        f"{url}/sessions",
        json={
            "held_on": "2026-01-20",
            "topic": "修剪",
            "instructor": "县农技站",
            "attendance": 35,
            "attendee_applicant_ids": people[:2],
        },
        headers=staff(),
    )
    assert r.status_code == 201, r.text
    await client.post(
        f"{url}/sessions",
        json={"held_on": "2026-01-21", "topic": "施肥", "instructor": "县农技站", "attendance": 20},
        headers=staff(),
    )
    activity = (await client.get(url, headers=staff())).json()
    assert (len(activity["sessions"]), activity["total_attendance"]) == (2, 55)
    r = await client.post(
        f"{url}/sessions",
        json={
            "held_on": "2026-01-21",
            "topic": "x",
            "instructor": "y",
            "attendance": 1,
            "attendee_applicant_ids": people[:2],
        },
        headers=staff(),
    )
    assert (r.status_code, field_of(r)) == (422, "attendance")
    r = await client.post(
        f"{url}/sessions",
        json={"held_on": "2099-01-01", "topic": "x", "instructor": "y", "attendance": 1},
        headers=staff(),
    )
    assert (r.status_code, field_of(r)) == (422, "held_on")
    assert "今天" in r.json()["message_zh"]


@pytest.mark.parametrize(
    "path, payload, field",
    [
        ("/agency", {"kind": "passport", "applicant_id": NOBODY}, "kind"),
        ("/agency", {"kind": "land_transfer", "applicant_id": NOBODY}, "applicant_id"),
        ("/agency", {"kind": "land_transfer", "applicant_id": "not an id"}, "applicant_id"),
        ("/consultations", {"field": "astrology", "question": "q", "answer": "a"}, "field"),
        ("/consultations", {"field": "legal", "question": "", "answer": "a"}, "question"),
        (
            "/consultations",
            {"field": "legal", "question": "q", "answer": "a", "visit_id": NOBODY},
            "visit_id",
        ),
        (
            "/welfare-collections",
            {
                "benefit": "elderly_allowance",
                "beneficiary_applicant_id": NOBODY,
                "period": "2026-10",
                "amount_fen": 1,
                "receipt_number": "R1",
            },
            "beneficiary_applicant_id",
        ),
        (
            "/welfare-collections",
            {
                "benefit": "elderly_allowance",
                "beneficiary_applicant_id": NOBODY,
                "period": "2026-13",
                "amount_fen": 1,
                "receipt_number": "R1",
            },
            "period",
        ),
        (
            "/welfare-collections",
            {
                "benefit": "elderly_allowance",
                "beneficiary_applicant_id": NOBODY,
                "period": "2026-10",
                "amount_fen": -1,
                "receipt_number": "R1",
            },
            "amount_fen",
        ),
        (
            "/mediations",
            {
                "dispute_type": "inheritance",
                "summary": "s",
                "party_applicant_ids": [NOBODY, NOBODY],
            },
            "dispute_type",
        ),
        (
            "/mediations",
            {"dispute_type": "neighbour", "summary": "s", "party_applicant_ids": [NOBODY]},
            "party_applicant_ids",
        ),
        (
            "/mediations",
            {"dispute_type": "neighbour", "summary": "s", "party_applicant_ids": [NOBODY, NOBODY]},
            "party_applicant_ids",
        ),
        ("/development/activities", {"kind": "tourism", "title": "t"}, "kind"),
        ("/development/activities", {"kind": "training", "title": ""}, "title"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(app, path, payload, field):
    r = await app[0].post(f"{ROOM}{path}", json=payload, headers=staff())
    assert r.status_code == 422, r.text
    assert field_of(r) == field
    assert r.json().get("message_zh") or r.json().get("detail")


async def test_only_the_villages_staff_record_its_services(app):
    client, _ = app
    for path in (
        "/agency",
        "/consultations",
        "/welfare-collections",
        "/mediations",
        "/development/activities",
    ):
        assert (await client.get(f"{ROOM}{path}", headers=staff(OTHER_VILLAGE))).status_code == 403
        assert (await client.get(f"{ROOM}{path}")).status_code == 401
