"""Per-staff assessment through the HTTP API on PostgreSQL and SQLite: visits received, cases
accepted as agent (read from the case table), replies ready by the deadline or late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest_asyncio

from govnet_kit.db import transaction
from tests.village_room.roomkit import (
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
    field_of,
    new_applicant,
    room_app,
    staff,
)
from village_room.case.models import Reply, VillageCase

ACCEPTED = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)  # 10:00 on 9 October in Shanghai
URL = f"/api/v1/rooms/{VILLAGE}/assessment?from=2026-10-01&to=2026-10-31"


@pytest_asyncio.fixture(scope="module", params=["postgresql", "sqlite"])
async def app(request, tmp_path_factory):
    async with room_app(request.param, tmp_path_factory.mktemp("assessment")) as pair:
        yield pair


async def a_case(runtime, n: int, agent: str, reply_after_days: int | None) -> None:
    person = await new_applicant(runtime)
    async with transaction(runtime.sessions) as s:
        case = VillageCase(
            case_number=f"{VILLAGE}-20261009-{n:04d}",
            query_code="Q",
            place_code=VILLAGE,
            item_code="ITEM",
            item_version=1,
            department_code="D",
            applicant_id=person,
            agent_staff_id=agent,
            status=1,
            accepted_at=ACCEPTED,
            deadline=ACCEPTED + timedelta(days=10),
        )
        s.add(case)
        await s.flush()
        if reply_after_days is not None:
            s.add(
                Reply(
                    case_id=case.id,
                    decision_status=1,
                    document_title="t",
                    document_text="x",
                    ready_at=ACCEPTED + timedelta(days=reply_after_days),
                )
            )


async def test_each_staff_members_visits_cases_and_on_time_replies(app):
    client, runtime = app
    for _ in range(3):
        await client.post(
            "/api/v1/visits",
            json={"place_code": VILLAGE, "topic": "咨询"},
            headers=staff(sub="ann"),
        )
    await a_case(runtime, 1, "ann", 3)  # on time
    await a_case(runtime, 2, "ann", 12)  # late
    await a_case(runtime, 3, "bo", None)  # awaiting
    # Visits are today's; cases are October's: two periods, two answers.
    r = await client.get(URL, headers=staff())
    assert r.status_code == 200, r.text
    assert r.json()["from"] == "2026-10-01"
    by_staff = {s["staff_id"]: s for s in r.json()["staff"]}
    assert {
        k: by_staff["ann"][k]
        for k in ("cases_accepted", "replies_on_time", "replies_late", "on_time_rate")
    } == {"cases_accepted": 2, "replies_on_time": 1, "replies_late": 1, "on_time_rate": 0.5}
    assert (by_staff["bo"]["awaiting_reply"], by_staff["bo"]["on_time_rate"]) == (1, None)
    assert by_staff["ann"]["satisfaction"] is None
    today = datetime.now(UTC).date()
    r = await client.get(
        f"/api/v1/rooms/{VILLAGE}/assessment?from={today - timedelta(days=1)}&to={today + timedelta(days=1)}",
        headers=staff(TOWNSHIP, tier="town"),  # the township sees its villages' figures
    )
    assert {s["staff_id"]: s["visits"] for s in r.json()["staff"]}["ann"] == 3


async def test_refusals(app):
    client, _ = app
    assert (await client.get(URL, headers=staff(OTHER_VILLAGE))).status_code == 403
    assert (await client.get(URL, headers=staff("341102102000", tier="town"))).status_code == 403
    r = await client.get(
        f"/api/v1/rooms/{VILLAGE}/assessment?from=2026-10-31&to=2026-10-01", headers=staff()
    )
    assert (r.status_code, field_of(r)) == (422, "to")
    r = await client.get(f"/api/v1/rooms/{VILLAGE}/assessment?to=2026-10-01", headers=staff())
    assert (r.status_code, field_of(r)) == (422, "from")
