"""The room's registration, its rules (set by the township, public), and the duty roster with its
coverage check over National Day 2026 (1-7 October off, Saturday 10 October a make-up workday).
Through the village's HTTP API on PostgreSQL and SQLite."""

from __future__ import annotations

import pytest
import pytest_asyncio
from sqlalchemy import select

from govnet_kit.audit import AuditEntry
from tests.village_room.roomkit import OTHER_VILLAGE, TOWNSHIP, VILLAGE, field_of, room_app, staff

ROSTER = f"/api/v1/rooms/{VILLAGE}/roster"
ROOM = {
    "name_zh": "示例村便民服务室",
    "name_en": "Sample village service room",
    "address": "示例村村委会一楼",
    "opening_hours": [{"weekday": d, "opens": "08:30", "closes": "17:30"} for d in range(1, 6)],
    "contact_numbers": [{"label": "值班电话", "number": "0550-1234567"}],
}
RULES = {
    "first_inquiry_zh": "首位接待的工作人员负责到底。",
    "service_commitment_zh": "承诺件按期办结。",
    "one_time_notice_zh": "缺少的材料一次告知齐全。",
    "one_time_notice_en": "Everything missing is told at once.",
}


@pytest_asyncio.fixture(scope="module", params=["postgresql", "sqlite"])
async def app(request, tmp_path_factory):
    async with room_app(request.param, tmp_path_factory.mktemp("roster")) as pair:
        yield pair


@pytest.fixture
def client(app):
    return app[0]


async def members(client, *ids: str) -> None:
    for i, sid in enumerate(ids):
        r = await client.put(
            f"{ROSTER}/members/{sid}",
            json={
                "display_name": f"委员{i}",
                "committee": "party_branch" if i % 2 else "villagers_committee",
                "off_duty_contact": f"1380000000{i}",
            },
            headers=staff(),
        )
        assert r.status_code == 200, r.text


async def test_national_day_2026_coverage_counts_the_make_up_saturday_not_the_holidays(client):
    await members(client, "m-a", "m-b", "m-c")
    r = await client.post(
        f"{ROSTER}/rotation",
        json={"from": "2026-09-28", "to": "2026-10-12", "staff_ids": ["m-a", "m-b", "m-c"]},
        headers=staff(),
    )
    assert r.status_code == 200, r.text
    days = {d["day"]: d for d in r.json()}
    # Turns go round the working days only: the holidays are skipped, the make-up Saturday not.
    assert days["2026-10-01"]["staff_ids"] == [] and not days["2026-10-01"]["working_day"]
    assert days["2026-10-10"]["working_day"] and days["2026-10-10"]["staff_ids"]
    assert [days[d]["staff_ids"][0] for d in ("2026-09-28", "2026-09-29", "2026-09-30")] == [
        "m-a",
        "m-b",
        "m-c",
    ]
    assert days["2026-10-08"]["staff_ids"] == ["m-a"]

    r = await client.get(f"{ROSTER}/coverage?from=2026-09-28&to=2026-10-12", headers=staff())
    body = r.json()
    # 28, 29, 30 Sep; 8, 9, 10 (Sat), 12 Oct: seven working days, all covered.
    assert (body["working_days"], body["covered"], body["gaps"]) == (7, 7, [])

    # Nobody on the make-up Saturday: that is a gap; an empty holiday is not.
    r = await client.put(f"{ROSTER}/days/2026-10-10", json={"staff_ids": []}, headers=staff())
    assert r.status_code == 204
    r = await client.put(f"{ROSTER}/days/2026-10-03", json={"staff_ids": []}, headers=staff())
    body = (
        await client.get(f"{ROSTER}/coverage?from=2026-09-28&to=2026-10-12", headers=staff())
    ).json()
    assert body["covered"] == 6
    assert body["gaps"] == [{"day": "2026-10-10", "weekday": 6, "make_up_workday": True}]
    assert "2026-10-10" in body["warning"] and "无人值班" in body["warning"]
    assert "without anyone on duty" in body["warning"]
    assert body["months_without_collective_office_day"] == ["2026-09", "2026-10"]

    # Collective office days: one per month, on a working day; then only the gap warns.
    for month, day in (("2026-09", "2026-09-28"), ("2026-10", "2026-10-09")):
        r = await client.put(
            f"{ROSTER}/collective-office-days/{month}", json={"day": day}, headers=staff()
        )
        assert r.status_code == 200, r.text
    body = (
        await client.get(f"{ROSTER}/coverage?from=2026-09-28&to=2026-10-12", headers=staff())
    ).json()
    assert body["months_without_collective_office_day"] == []
    assert "集中办公日" not in body["warning"]

    # An inactive member does not cover the day.
    r = await client.put(f"{ROSTER}/days/2026-10-10", json={"staff_ids": ["m-b"]}, headers=staff())
    assert (
        await client.get(f"{ROSTER}/coverage?from=2026-10-10&to=2026-10-10", headers=staff())
    ).json()["gaps"] == []
    r = await client.put(
        f"{ROSTER}/members/m-b",
        json={
            "display_name": "委员1",
            "committee": "party_branch",
            "off_duty_contact": "13800000001",
            "active": False,
        },
        headers=staff(),
    )
    body = (
        await client.get(f"{ROSTER}/coverage?from=2026-10-10&to=2026-10-10", headers=staff())
    ).json()
    assert [g["day"] for g in body["gaps"]] == ["2026-10-10"]


async def test_fully_covered_range_has_no_warning(client):
    await members(client, "w-a")
    await client.post(
        f"{ROSTER}/rotation",
        json={"from": "2026-11-02", "to": "2026-11-06", "staff_ids": ["w-a"]},
        headers=staff(),
    )
    await client.put(
        f"{ROSTER}/collective-office-days/2026-11", json={"day": "2026-11-05"}, headers=staff()
    )
    body = (
        await client.get(f"{ROSTER}/coverage?from=2026-11-02&to=2026-11-06", headers=staff())
    ).json()
    assert (body["working_days"], body["covered"], body["warning"]) == (5, 5, None)
    assert body["calendar_warning"] is None
    body = (
        await client.get(f"{ROSTER}/coverage?from=2027-11-01&to=2027-11-02", headers=staff())
    ).json()
    assert "2027" in body["calendar_warning"]


@pytest.mark.parametrize(
    "path, payload, field",
    [
        ("/rotation", {"from": "2026-10-12", "to": "2026-10-01", "staff_ids": ["m-a"]}, "to"),
        (
            "/rotation",
            {"from": "2026-10-01", "to": "2026-10-12", "staff_ids": ["nobody"]},
            "staff_ids",
        ),
        ("/rotation", {"from": "2026-10-01", "to": "2026-10-12", "staff_ids": []}, "staff_ids"),
        (
            "/rotation",
            {"from": "2026-10-01", "to": "2026-10-12", "staff_ids": ["m-a"], "per_day": 2},
            "per_day",
        ),
        ("/rotation", {"from": "2026-13-01", "to": "2026-10-12", "staff_ids": ["m-a"]}, "from"),
        ("/days/2026-10-09", {"staff_ids": ["m-a", "m-a"]}, "staff_ids"),
        ("/collective-office-days/2026-10", {"day": "2026-10-03"}, "day"),
        ("/collective-office-days/2026-10", {"day": "2026-11-03"}, "day"),
        (
            "/members/x",
            {"display_name": "甲", "committee": "choir", "off_duty_contact": "1"},
            "committee",
        ),
    ],
)
async def test_bad_roster_input_is_refused_naming_the_field(client, path, payload, field):
    await members(client, "m-a")
    method = client.post if path == "/rotation" else client.put
    r = await method(f"{ROSTER}{path}", json=payload, headers=staff())
    assert r.status_code == 422, r.text
    assert field_of(r) == field


async def test_coverage_range_is_checked(client):
    r = await client.get(f"{ROSTER}/coverage?from=2026-10-12&to=2026-10-01", headers=staff())
    assert (r.status_code, field_of(r)) == (422, "to")
    r = await client.get(f"{ROSTER}/coverage?from=2026-01-01&to=2027-06-01", headers=staff())
    assert (r.status_code, field_of(r)) == (422, "to")
    r = await client.get(f"{ROSTER}/coverage?from=yesterday&to=2026-10-01", headers=staff())
    assert (r.status_code, field_of(r)) == (422, "from")


async def test_only_the_villages_own_staff_keep_its_roster(client):
    r = await client.get(
        f"{ROSTER}/coverage?from=2026-10-01&to=2026-10-02", headers=staff(OTHER_VILLAGE)
    )
    assert r.status_code == 403
    r = await client.get(f"{ROSTER}/members", headers=staff(TOWNSHIP, tier="town"))
    assert r.status_code == 403
    r = await client.get(f"{ROSTER}/members")
    assert r.status_code == 401


async def test_room_registration_rules_by_the_township_and_the_public_door(app):
    client, runtime = app
    r = await client.put(f"/api/v1/rooms/{VILLAGE}", json=ROOM, headers=staff(sub="v-staff"))
    assert r.status_code == 200, r.text
    # The village may not write its own rules; another township may not either.
    r = await client.put(f"/api/v1/rooms/{VILLAGE}/rules", json=RULES, headers=staff())
    assert r.status_code == 403
    r = await client.put(
        f"/api/v1/rooms/{VILLAGE}/rules", json=RULES, headers=staff("341102102000", tier="town")
    )
    assert r.status_code == 403
    for version in (1, 2):
        r = await client.put(
            f"/api/v1/rooms/{VILLAGE}/rules",
            json=RULES,
            headers=staff(TOWNSHIP, tier="town", sub="t-staff"),
        )
        assert r.status_code == 200, r.text
        assert r.json()["version"] == version

    await members(client, "pub-a")
    r = await client.get(f"/api/v1/public/rooms/{VILLAGE}")  # no token: public on purpose
    assert r.status_code == 200
    body = r.json()
    assert body["room"]["address"] == ROOM["address"]
    assert body["room"]["opening_hours"][0] == {"weekday": 1, "opens": "08:30", "closes": "17:30"}
    assert body["rules"]["one_time_notice_en"] == RULES["one_time_notice_en"]
    assert {
        "display_name": "委员0",
        "committee": "villagers_committee",
        "off_duty_contact": "13800000000",
    } in body["off_duty_contacts"]

    async with runtime.sessions() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action).where(AuditEntry.actor.in_(["v-staff", "t-staff"]))
            )
        )
    assert actions == ["room.registered", "room.rules_published", "room.rules_published"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"opening_hours": [{"weekday": 8, "opens": "08:30", "closes": "17:30"}]}, "weekday"),
        ({"opening_hours": [{"weekday": 1, "opens": "18:00", "closes": "08:00"}]}, "closes"),
        ({"opening_hours": [{"weekday": 1, "opens": "8h", "closes": "17:30"}]}, "opens"),
        ({"contact_numbers": [{"label": "值班", "number": "call me"}]}, "number"),
        ({"address": ""}, "address"),
    ],
)
async def test_bad_room_input_names_the_field(client, change, field):
    r = await client.put(f"/api/v1/rooms/{VILLAGE}", json={**ROOM, **change}, headers=staff())
    assert r.status_code == 422
    assert field_of(r) == field


async def test_unknown_place_has_an_empty_public_door_and_bad_codes_are_refused(client):
    r = await client.get("/api/v1/public/rooms/341102109999")
    assert r.json()["room"] is None
    r = await client.get("/api/v1/public/rooms/12ab")
    assert (r.status_code, field_of(r)) == (422, "place_code")
