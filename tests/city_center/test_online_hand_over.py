"""The hand-over of an online case's result at the city, over the JSON API (T1, L4): nothing to
hand over before the decision (409); after it the case is on the department's list and the
public look-up says where to collect it; the ID card shown must be the applicant's (422), and
another department's staff may not hand it over (403), nothing changed; handed over once, the
case is `replied` with its status event and an audit entry (no ID number in it), the look-up
says so, and a second hand-over names who did it (409). By post: the tracking number, shown
on the look-up. An escalated case is handed over below, never here."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import select

from city_center.case import service as case_service
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.audit import AuditEntry
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.messaging import OutboxMessage
from tests.city_center.onlinekit import (
    CITY,
    ID_NUMBER,
    OTHER_ID_NUMBER,
    REP,
    apply_online,
    city_app,
    client_of,
    decide,
    staff_headers,
    token,
)


@pytest_asyncio.fixture
async def city(tmp_path):
    async with city_app(tmp_path) as (app, runtime):
        async with client_of(app) as api:
            yield api, runtime


async def look_up(api, slip) -> dict:  # type: ignore[no-untyped-def]
    resp = await api.get(
        f"/api/v1/public/cases/{slip['case_number']}", params={"query_code": slip["query_code"]}
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


async def waiting(api, dept: str = "radio_television") -> list[str]:  # type: ignore[no-untyped-def]
    resp = await api.get("/api/v1/to-hand-over", headers=staff_headers(dept))
    assert resp.status_code == 200, resp.text
    return [row["case_number"] for row in resp.json()]


async def status_events(runtime, number: str) -> list[events_pb2.CaseStatusChanged]:  # type: ignore[no-untyped-def]
    async with transaction(runtime.sessions) as s:
        rows = await s.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.subject.like("govnet.case.status.%"))
        )
        events = [events_pb2.CaseStatusChanged.FromString(p) for p in rows]
    return [e for e in events if e.case_number == number]


async def test_approved_result_is_handed_over_in_person_once(city):
    api, runtime = city
    slip = await apply_online(api)
    number = slip["case_number"]
    url = f"/api/v1/cases/{number}/hand-over"
    in_person = {"channel": "in_person", "id_number": ID_NUMBER}

    # Before the decision there is nothing to hand over, and nothing to collect.
    early = await api.post(url, json=in_person, headers=staff_headers())
    assert early.status_code == 409 and "not decided" in early.json()["message"]
    assert number not in await waiting(api)
    assert (await look_up(api, slip))["collection"] == ""

    await decide(runtime, number)
    listed = (await api.get("/api/v1/to-hand-over", headers=staff_headers())).json()
    row = next(r for r in listed if r["case_number"] == number)
    assert row["decision"] == "approved" and row["result_document_number"].startswith(
        "RADIO_TELEVISION-"
    )
    public = await look_up(api, slip)
    assert public["collection"] == "ready" and public["handed_over_at"] is None
    assert "市行政服务中心广电局窗口领取" in public["collect_where_zh"]
    assert "Radio and Television Bureau window" in public["collect_where_en"]

    # Someone else's ID card: refused beside the field, nothing handed over.
    wrong = await api.post(
        url, json={"channel": "in_person", "id_number": OTHER_ID_NUMBER}, headers=staff_headers()
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "id_number"
    assert wrong.json()["message_zh"] == "身份证号码与申请人不符，结果只能交给申请人本人"
    missing = await api.post(url, json={"channel": "in_person"}, headers=staff_headers())
    assert missing.status_code == 422 and missing.json()["field"] == "id_number"
    # Another department's staff may not hand it over, nor see it on their list.
    other = await api.post(url, json=in_person, headers=staff_headers("forestry", "rep-forestry"))
    assert other.status_code == 403
    assert number not in await waiting(api, "forestry")
    # An applicant's session is not staff.
    applicant = await api.post(url, json=in_person, headers={"Authorization": f"Bearer {token()}"})
    assert applicant.status_code == 403
    assert number in await waiting(api)
    assert (await look_up(api, slip))["collection"] == "ready"

    done = await api.post(
        url, json={**in_person, "id_number": ID_NUMBER.lower()}, headers=staff_headers()
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "CASE_STATUS_REPLIED" and body["channel"] == "in_person"
    assert body["handed_over_by"] == REP and body["tracking_number"] == ""
    assert number not in await waiting(api)

    public = await look_up(api, slip)
    assert public["collection"] == "handed_over" and public["status"] == "CASE_STATUS_REPLIED"
    assert public["status_zh"] == "已答复" and public["hand_over_channel"] == "in_person"
    assert public["handed_over_at"] is not None

    async with transaction(runtime.sessions) as s:
        entry = await s.scalar(
            select(AuditEntry).where(
                AuditEntry.case_number == number, AuditEntry.action == "case.replied"
            )
        )
    assert entry is not None and entry.actor == f"staff:{REP}"
    data = json.loads(entry.data)
    assert data["channel"] == "in_person" and data["decision"] == "approved"
    assert data["document"] == row["result_document_number"]
    assert ID_NUMBER not in entry.data  # the applicant by reference only
    assert entry.subject_ref.startswith("city_online_applicant:")
    replied = [
        e for e in await status_events(runtime, number) if e.status == case_pb2.CASE_STATUS_REPLIED
    ]
    assert len(replied) == 1 and replied[0].reason_code == "handed_over"
    assert replied[0].acting_staff_id == REP

    again = await api.post(url, json=in_person, headers=staff_headers(sub="a-colleague"))
    assert again.status_code == 409 and again.json()["holder"]["staff_id"] == REP


async def test_refusal_letter_is_posted_with_its_tracking_number(city):
    api, runtime = city
    slip = await apply_online(api)
    number = slip["case_number"]
    await decide(runtime, number, "refuse")
    assert number in await waiting(api)
    assert (await look_up(api, slip))["collection"] == "ready"

    url = f"/api/v1/cases/{number}/hand-over"
    no_tracking = await api.post(url, json={"channel": "post"}, headers=staff_headers())
    assert no_tracking.status_code == 422 and no_tracking.json()["field"] == "tracking_number"
    bad_channel = await api.post(url, json={"channel": "fax"}, headers=staff_headers())
    assert bad_channel.status_code == 422

    posted = await api.post(
        url, json={"channel": "post", "tracking_number": "ea 123456789 cn"}, headers=staff_headers()
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["decision"] == "refused"
    public = await look_up(api, slip)
    assert public["collection"] == "handed_over" and public["hand_over_channel"] == "post"
    assert public["tracking_number"] == "EA123456789CN"


async def test_an_escalated_case_is_handed_over_below_not_at_the_city(city):
    api, runtime = city
    number = "341102101201-20261128-0042"
    now = utcnow()
    async with transaction(runtime.sessions) as s:
        await case_service.receive(
            s,
            transfer=case_pb2.CaseTransfer(
                case_number=number,
                query_code="ABCD2345",
                item_code="GD-0001",
                item_version=1,
                origin_place_code="341102101201",
                origin_tier=case_pb2.TIER_VILLAGE,
                sender_place_code="341102101000",
                applicant=case_pb2.Applicant(name="赵大山", id_number=ID_NUMBER),
                materials=[case_pb2.Material(code="application", filename="a.pdf", content=b"x")],
                accepted_at=ts(now),
                deadline=ts(now + timedelta(days=14)),
            ),
            city_place_code=CITY,
        )
    await decide(runtime, number)
    assert number not in await waiting(api)
    refused = await api.post(
        f"/api/v1/cases/{number}/hand-over",
        json={"channel": "in_person", "id_number": ID_NUMBER},
        headers=staff_headers(),
    )
    assert refused.status_code == 409 and "village room" in refused.json()["message"]
    public = await look_up(api, {"case_number": number, "query_code": "ABCD2345"})
    assert public["collection"] == "" and public["status"] == "CASE_STATUS_APPROVED"
