"""Appraisal (S2) and complaints (S3) on PostgreSQL: a small fixed data set whose figures are
worked out by hand below; the CSV the city's review takes in; a complaint routed from the case
it names to the supervisors' queue and followed up to its outcome; ratings by rating code."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.complaint.models import RatingInvitation
from city_center.supervision import flows
from city_center.supervision.models import StaffMessage
from govnet_kit.db import transaction
from govnet_kit.worktime import WorkCalendar
from tests.city_center.supervisionkit import (
    OTHER_VILLAGE,
    VILLAGE,
    Clock,
    S,
    as_message,
    city_app,
    emptied,
    sh,
    staff,
    status_event,
    supervisor,
)
from tests.dbkit import fresh_sessions

CAL = WorkCalendar(confirmed_years=[2026])
DUE = sh(2026, 7, 11, 0, 0)  # 24:00 of Friday 2026-07-10
NUM = [f"{VILLAGE}-20260701-{i:04d}" for i in range(1, 6)]
OTHER = f"{OTHER_VILLAGE}-20260701-0001"


@pytest_asyncio.fixture(scope="module")
async def database(tmp_path_factory):
    async with fresh_sessions("postgresql", tmp_path_factory.mktemp("appraisal")) as sessions:
        yield sessions


@pytest_asyncio.fixture
async def world(database, tmp_path):
    await emptied(database)
    clock = Clock(sh(2026, 10, 8))
    _, app = city_app(database, tmp_path, clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
        yield database, client, clock


async def feed(sessions, *events) -> None:  # type: ignore[no-untyped-def]
    consumer = flows.consumer(None, sessions, working_days=1, calendar=CAL)  # type: ignore[arg-type]
    for event in events:
        async with transaction(sessions) as s:
            await consumer.process(s, as_message(event))


def up_to_city(number: str, *, day: int = 1, rep: str = "rep-1", dept: str = "forestry"):  # type: ignore[no-untyped-def]
    e = lambda tier, status, hour, **kw: status_event(  # noqa: E731
        number, tier, status, sh(2026, 7, day, hour), deadline=DUE, department=dept, **kw
    )
    return [
        e("village", S.CASE_STATUS_ACCEPTED, 9, staff="vil-1"),
        e("village", S.CASE_STATUS_TRANSMITTED, 10),
        e("town", S.CASE_STATUS_RECEIVED, 11),
        e("town", S.CASE_STATUS_TRANSMITTED, 12, staff="town-1"),
        e("city", S.CASE_STATUS_RECEIVED, 13),
        e("city", S.CASE_STATUS_IN_REVIEW, 14, staff=rep),
    ]


def city(
    number: str, status: int, at, *, staff_id: str = "", reason: str = "", dept: str = "forestry"
):  # type: ignore[no-untyped-def]
    return status_event(
        number,
        "city",
        status,
        at,
        deadline=DUE,
        staff=staff_id,
        reason_code=reason,
        department=dept,
    )


async def fixed_data_set(sessions, client) -> None:  # type: ignore[no-untyped-def]
    """Q3 2026, forestry bureau at the city (deadline 24:00 2026-07-10 for every case):
    - NUM[0] approved by rep-1 on 07-08: on time
    - NUM[1] refused by rep-1 on 07-09: on time
    - NUM[2] deemed approved at 07-11 00:00:01 (rep-1 let it run out): late, a default
    - NUM[3] approved by rep-2 on 07-13: late
    - NUM[4] still in review with rep-2: not handled
    - a water-bureau case from the other county decided by rep-3 on 10-02, in Q4
      (handed on at the village and the township on 07-01, in Q3)
    Ratings in Q3: NUM[0] 5, NUM[1] 2, NUM[3] 4. Complaints in Q3: two about NUM[3] (one
    upheld), one about the township hall (not upheld); one in Q4."""
    for i, n in enumerate(NUM):
        await feed(sessions, *up_to_city(n, rep="rep-1" if i < 3 else "rep-2"))
    await feed(sessions, *up_to_city(OTHER, day=1, rep="rep-3", dept="water"))
    await feed(
        sessions,
        city(NUM[0], S.CASE_STATUS_APPROVED, sh(2026, 7, 8), staff_id="rep-1"),
        city(NUM[1], S.CASE_STATUS_REFUSED, sh(2026, 7, 9), staff_id="rep-1"),
        city(
            NUM[2],
            S.CASE_STATUS_DEEMED_APPROVED,
            DUE + timedelta(seconds=1),
            reason="timeout_default",
        ),
        city(NUM[3], S.CASE_STATUS_APPROVED, sh(2026, 7, 13), staff_id="rep-2"),
        city(OTHER, S.CASE_STATUS_APPROVED, sh(2026, 10, 2), staff_id="rep-3", dept="water"),
    )
    # The replies come back to the village, which holds each rating code.
    for n in (NUM[0], NUM[1], NUM[3]):
        await feed(
            sessions,
            status_event(n, "village", S.CASE_STATUS_REPLY_READY, sh(2026, 7, 14), deadline=DUE),
        )
    codes = await rating_codes(sessions)
    for n, score, day in ((NUM[0], 5, 15), (NUM[1], 2, 16), (NUM[3], 4, 17)):
        await rate(client, n, codes[n], score, sh(2026, 7, day))

    async def complain(body, at) -> str:  # type: ignore[no-untyped-def]
        client.app_clock.now = at
        resp = await client.post("/api/v1/complaints", json=body)
        assert resp.status_code == 201, resp.text
        return resp.json()["number"]

    first = await complain(
        {"case_number": NUM[3], "tier": "city", "content": "窗口人员态度生硬，多次推诿"},
        sh(2026, 7, 20),
    )
    await complain(
        {"case_number": NUM[3], "tier": "city", "content": "超期未办结，无人解释"}, sh(2026, 7, 21)
    )
    town = await complain(
        {"place_code": "341102101000", "content": "大厅中午无人值守"}, sh(2026, 8, 3)
    )
    await complain(
        {"case_number": NUM[3], "tier": "city", "content": "第四季度再次投诉"}, sh(2026, 10, 5)
    )
    for number, outcome in ((first, "upheld"), (town, "not_upheld")):
        resp = await client.post(
            f"/api/v1/supervision/complaints/{number}/outcome",
            json={"outcome": outcome, "reply": "已核实处理"},
            headers=supervisor(),
        )
        assert resp.status_code == 200, resp.text


async def rating_codes(sessions) -> dict[str, str]:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        rows = (
            await s.scalars(select(StaffMessage).where(StaffMessage.kind == "rating_code"))
        ).all()
    return {m.case_number: m.values["code"] for m in rows}


async def rate(client, number, code, score, at):  # type: ignore[no-untyped-def]
    client.app_clock.now = at
    resp = await client.post(
        "/api/v1/ratings", json={"case_number": number, "code": code, "score": score}
    )
    assert resp.status_code == 201, resp.text
    return resp


@pytest.fixture
def client(world):  # type: ignore[no-untyped-def]
    sessions, client, clock = world
    client.app_clock = clock
    return client


async def test_appraisal_matches_the_figures_worked_out_by_hand(world, client):
    sessions = world[0]
    await fixed_data_set(sessions, client)

    def rows(body):  # type: ignore[no-untyped-def]
        return {r["key"]: r for r in body["rows"]}

    dept = rows(
        (
            await client.get("/api/v1/appraisal", params={"period": "2026Q3", "unit": "department"})
        ).json()
    )
    # Forestry: handled 4 (NUM[0..3]); on time 2 -> 50%; 1 default; 1 refusal; 2 complaints
    # (1 upheld); ratings 5, 2, 4 -> mean 3.67, satisfied (4 or 5) 2 of 3.
    assert set(dept) == {"forestry"}
    f = dept["forestry"]
    assert (f["handled"], f["on_time"], f["on_time_rate"], f["defaults"], f["refusals"]) == (
        4,
        2,
        0.5,
        1,
        1,
    )
    assert (f["complaints"], f["complaints_upheld"]) == (2, 1)
    assert (f["ratings"], f["satisfaction"], f["satisfied_rate"]) == (3, 3.67, 0.6667)

    staff_rows = rows(
        (await client.get("/api/v1/appraisal", params={"period": "2026Q3", "unit": "staff"})).json()
    )
    # At the city rep-1 handled 3 (2 on time, the default counts against them), rep-2 one late;
    # vil-1 and town-1 handed on all 6 cases on 07-01, the water case too (decided in Q4).
    assert {
        k: (r["tier"], r["handled"], r["on_time"], r["defaults"]) for k, r in staff_rows.items()
    } == {
        "rep-1": ("city", 3, 2, 1),
        "rep-2": ("city", 1, 0, 0),
        "vil-1": ("village", 6, 6, 0),
        "town-1": ("town", 6, 6, 0),
    }
    # rep-2 is the staff the two Q3 complaints about NUM[3] were routed to; rating 4.
    assert (staff_rows["rep-2"]["complaints"], staff_rows["rep-2"]["satisfaction"]) == (2, 4.0)
    assert staff_rows["rep-1"]["satisfaction"] == 3.5  # (5 + 2) / 2

    town = rows(
        (await client.get("/api/v1/appraisal", params={"period": "2026Q3", "unit": "town"})).json()
    )
    assert {
        k: (r["handled"], r["on_time_rate"], r["complaints"], r["ratings"]) for k, r in town.items()
    } == {"341102101000": (6, 1.0, 1, 3)}
    village = rows(
        (
            await client.get("/api/v1/appraisal", params={"period": "2026Q3", "unit": "village"})
        ).json()
    )
    assert {k: r["handled"] for k, r in village.items()} == {VILLAGE: 5, OTHER_VILLAGE: 1}

    # The year counts the Q4 water case and the Q4 complaint as well.
    year = rows((await client.get("/api/v1/appraisal", params={"period": "2026"})).json())
    assert (year["forestry"]["complaints"], year["water"]["handled"], year["water"]["on_time"]) == (
        3,
        1,
        0,
    )
    q4 = rows((await client.get("/api/v1/appraisal", params={"period": "2026Q4"})).json())
    assert set(q4) == {"forestry", "water"} and q4["forestry"]["handled"] == 0

    # Published as CSV in the review's columns.
    resp = await client.get(
        "/api/v1/appraisal/export.csv", params={"period": "2026Q3", "unit": "department"}
    )
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert 'filename="appraisal-2026Q3-department.csv"' in resp.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert table[0][:5] == [
        "考核期间 period",
        "考核类别 unit",
        "层级 tier",
        "考核对象 key",
        "办件量 handled",
    ]
    assert table[1:] == [
        [
            "2026Q3",
            "部门 department",
            "city",
            "forestry",
            "4",
            "2",
            "50.00%",
            "1",
            "1",
            "2",
            "1",
            "3",
            "3.67",
            "66.67%",
        ]
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026Q5"}, "period"),
        ({"period": "26"}, "period"),
        ({"period": "2026", "unit": "bureau"}, "unit"),
    ],
)
async def test_bad_appraisal_queries_name_the_field(client, params, field):
    resp = await client.get("/api/v1/appraisal", params=params)
    assert resp.status_code == 422
    body = resp.json()
    if "detail" in body:
        assert body["detail"][0]["loc"][-1] == field
    else:
        assert body["field"] == field and body["message_zh"].startswith("考核期间")


async def test_a_complaint_is_routed_followed_up_and_concluded(world, client):
    sessions = world[0]
    await feed(sessions, *up_to_city(NUM[0], rep="rep-7"))
    client.app_clock.now = sh(2026, 7, 2, 9)
    sent = await client.post(
        "/api/v1/complaints",
        json={
            "case_number": NUM[0],
            "content": "承诺时限内多次催问无答复",
            "contact": "13800000001",
        },
    )
    assert sent.status_code == 201, sent.text
    receipt = sent.json()
    number, code = receipt["number"], receipt["code"]
    assert number.startswith("CP-20260702-") and receipt["status"] == "received"

    # Routed: the case's current tier, place, department and responsible window staff.
    queue = (
        await client.get(
            "/api/v1/supervision/complaints", params={"status": "received"}, headers=supervisor()
        )
    ).json()
    assert [
        (c["number"], c["tier"], c["place_code"], c["department_code"], c["staff_id"])
        for c in queue
    ] == [(number, "city", "341100000000", "forestry", "rep-7")]
    assert queue[0]["contact"] == "13800000001"  # supervisors reply to it
    assert (
        await client.get("/api/v1/supervision/complaints", headers=staff("rep-7"))
    ).status_code == 403

    sup = supervisor()
    taken = (await client.post(f"/api/v1/supervision/complaints/{number}/take", headers=sup)).json()
    assert (taken["status"], taken["handler_staff_id"]) == ("in_progress", "sup-1")
    await client.post(
        f"/api/v1/supervision/complaints/{number}/notes",
        json={"note": "已约谈林业局窗口"},
        headers=sup,
    )
    client.app_clock.now = sh(2026, 7, 6, 15)
    done = await client.post(
        f"/api/v1/supervision/complaints/{number}/outcome",
        json={"outcome": "upheld", "reply": "情况属实，已责令整改并通报"},
        headers=sup,
    )
    assert done.status_code == 200
    record = done.json()
    assert (record["status"], record["outcome"]) == ("concluded", "upheld")
    assert [s["action"] for s in record["steps"]] == ["taken", "note", "concluded"]
    again = await client.post(
        f"/api/v1/supervision/complaints/{number}/notes", json={"note": "x"}, headers=sup
    )
    assert again.status_code == 409 and again.json()["message_zh"] == "该投诉已办结"

    # The complainant follows it with the number and code; never sees the contact.
    public = await client.get(f"/api/v1/complaints/{number}", params={"code": code})
    assert public.status_code == 200
    assert public.json()["reply"] == "情况属实，已责令整改并通报" and "contact" not in public.json()
    wrong = await client.get(f"/api/v1/complaints/{number}", params={"code": "AAAAAAAA"})
    assert wrong.status_code == 404 and wrong.json()["field"] == "code"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"content": "没有说明投诉对象的投诉"}, 422, "target"),
        ({"case_number": "34110", "content": "编号格式错误的投诉"}, 422, "case_number"),
        (
            {"case_number": f"{VILLAGE}-20260101-9999", "content": "不存在的办件"},
            404,
            "case_number",
        ),
        ({"window_id": "w-1", "content": "短"}, 422, "content"),
        ({"window_id": "w-1", "content": "未知类别", "kind": "praise"}, 422, "kind"),
    ],
)
async def test_bad_complaints_name_the_field(client, body, status, field):
    resp = await client.post("/api/v1/complaints", json=body)
    assert resp.status_code == status, resp.text
    got = resp.json()
    named = got["detail"][0]["loc"][-1] if "detail" in got else got["field"]
    assert named == field
    if "message_zh" in got:
        assert got["message_zh"] != got["message"]  # both languages


async def test_a_rating_needs_the_code_and_is_given_once(world, client):
    sessions = world[0]
    await feed(sessions, *up_to_city(NUM[0]))
    await feed(sessions, city(NUM[0], S.CASE_STATUS_APPROVED, sh(2026, 7, 8), staff_id="rep-1"))
    # Decided at the city; no code yet: the reply is not back where the case was accepted.
    assert await rating_codes(sessions) == {}
    await feed(
        sessions,
        status_event(NUM[0], "village", S.CASE_STATUS_REPLY_READY, sh(2026, 7, 9), deadline=DUE),
    )
    codes = await rating_codes(sessions)
    async with sessions() as s:
        message = (
            await s.scalars(select(StaffMessage).where(StaffMessage.kind == "rating_code"))
        ).one()
        assert (message.staff_id, message.tier, message.status) == ("vil-1", "village", "pending")
        assert (await s.get(RatingInvitation, NUM[0])).code_hash != codes[NUM[0]]  # only a hash
    assert flows.request_for(message).template == "rating_code"

    bad = await client.post(
        "/api/v1/ratings", json={"case_number": NUM[0], "code": "AAAAAAAA", "score": 5}
    )
    assert bad.status_code == 403 and bad.json()["field"] == "code"
    out_of_range = await client.post(
        "/api/v1/ratings", json={"case_number": NUM[0], "code": codes[NUM[0]], "score": 6}
    )
    assert out_of_range.status_code == 422 and out_of_range.json()["detail"][0]["loc"] == [
        "body",
        "score",
    ]
    await rate(client, NUM[0], codes[NUM[0]].lower(), 4, sh(2026, 7, 10))
    twice = await client.post(
        "/api/v1/ratings", json={"case_number": NUM[0], "code": codes[NUM[0]], "score": 1}
    )
    assert twice.status_code == 409 and twice.json()["message_zh"] == "该办件已评价"
