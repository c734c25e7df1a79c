"""One matter, one discussion (T5) through the village's HTTP API on PostgreSQL and SQLite:
a proposal shows its deadline, duplicates merge, the committees study it, the representatives'
meeting votes only with quorum and each representative once, the decision is published."""

from __future__ import annotations

import pytest
import pytest_asyncio

from govnet_kit.db import utcnow
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from tests.village_room.roomkit import OTHER_VILLAGE, field_of, room_app, staff

TODAY = utcnow().astimezone(SHANGHAI).date()


@pytest_asyncio.fixture(params=["postgresql", "sqlite"])
async def app(request, tmp_path_factory):
    # One database per test: each village's representatives are counted for its quorum.
    async with room_app(request.param, tmp_path_factory.mktemp("t5")) as pair:
        yield pair


@pytest_asyncio.fixture(scope="module", params=["postgresql", "sqlite"])
async def shared_app(request, tmp_path_factory):
    """For tests that change nothing: refusals."""
    async with room_app(request.param, tmp_path_factory.mktemp("t5-shared")) as pair:
        yield pair


PLACE = "341102101201"
ROOM = f"/api/v1/rooms/{PLACE}"


async def setup(client, representatives: int) -> tuple[list[str], str]:
    reps = []
    for i in range(representatives):
        r = await client.post(
            f"{ROOM}/representatives",
            json={"display_name": f"代表{i}", "group_name": f"{i % 3 + 1}组"},
            headers=staff(),
        )
        assert r.status_code == 201
        reps.append(r.json()["id"])
    r = await client.post(
        f"{ROOM}/proposals",
        json={"title": "硬化村道", "content": "三组至五组村道硬化，每户筹资"},
        headers=staff(),
    )
    assert r.status_code == 201, r.text
    return reps, r.json()["id"]


async def meeting(client, present: list[str]) -> dict:
    r = await client.post(
        f"{ROOM}/meetings",
        json={"held_on": TODAY.isoformat(), "present_representative_ids": present},
        headers=staff(),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def vote(client, meeting_id, proposal_id, rep, how="for"):
    return await client.post(
        f"{ROOM}/meetings/{meeting_id}/proposals/{proposal_id}/votes",
        json={"representative_id": rep, "vote": how},
        headers=staff(sub="clerk"),
    )


async def test_a_vote_with_quorum_decides_and_is_published(app):
    client, _ = app
    reps, pid = await setup(client, 9)
    proposal = (await client.get(f"{ROOM}/proposals/{pid}", headers=staff())).json()
    # The default: ten working days to put it to the meeting, shown on the proposal.
    assert proposal["deadline_day"] == WorkCalendar().add_working_days(TODAY, 10).isoformat()
    assert proposal["overdue"] is False

    # A duplicate is merged into it and goes no further.
    r = await client.post(
        f"{ROOM}/proposals", json={"title": "村道硬化", "content": "同上"}, headers=staff()
    )
    dup = r.json()["id"]
    r = await client.post(f"{ROOM}/proposals/{dup}/merge", json={"into": pid}, headers=staff())
    assert (r.status_code, r.json()["status"], r.json()["merged_into"]) == (200, "merged", pid)

    # Not before the two committees have studied it.
    m = await meeting(client, reps[:6])  # 6 of 9: exactly two thirds
    assert (m["quorate"], m["quorum_needed"], m["message"]) == (True, 6, None)
    # Found again later, to record its votes.
    listed = (await client.get(f"{ROOM}/meetings", headers=staff())).json()
    assert [(x["id"], x["present"]) for x in listed] == [(m["id"], 6)]
    r = await vote(client, m["id"], pid, reps[0])
    assert r.status_code == 409 and "尚未研究" in r.json()["message_zh"]
    r = await client.post(
        f"{ROOM}/proposals/{pid}/study", json={"committees_opinion": "同意提交"}, headers=staff()
    )
    assert r.json()["status"] == "studied"

    for rep, how in zip(reps[:6], ["for", "for", "for", "for", "against", "abstain"], strict=True):
        r = await vote(client, m["id"], pid, rep, how)
        assert r.status_code == 201, r.text
    # The same representative again: refused, naming the first vote.
    r = await vote(client, m["id"], pid, reps[0], "against")
    assert (r.status_code, r.json()["field"]) == (409, "representative_id")
    assert "赞成" in r.json()["message_zh"] and "不能重复" in r.json()["message_zh"]
    # Someone absent may not vote.
    r = await vote(client, m["id"], pid, reps[8])
    assert (r.status_code, field_of(r)) == (422, "representative_id")
    # A merged duplicate is not voted on.
    r = await vote(client, m["id"], dup, reps[1])
    assert r.status_code == 409 and pid in r.json()["message"]

    r = await client.post(f"{ROOM}/meetings/{m['id']}/proposals/{pid}/decision", headers=staff())
    decided = r.json()
    # 4 for out of 6 present: more than half, adopted.
    assert (
        decided["status"],
        decided["votes_for"],
        decided["votes_against"],
        decided["votes_abstain"],
    ) == ("adopted", 4, 1, 1)
    assert len(decided["votes"]) == 6
    r = await vote(client, m["id"], pid, reps[5])
    assert r.status_code == 409

    assert (await client.get(f"/api/v1/public/rooms/{PLACE}/decisions")).json() == []
    r = await client.post(f"{ROOM}/proposals/{pid}/publish", headers=staff())
    assert r.status_code == 200
    assert (
        await client.post(f"{ROOM}/proposals/{pid}/publish", headers=staff())
    ).status_code == 409
    public = (await client.get(f"/api/v1/public/rooms/{PLACE}/decisions")).json()  # no token
    assert [(d["title"], d["decision_zh"], d["votes_for"]) for d in public] == [
        ("硬化村道", "通过", 4)
    ]
    assert {"display_name": "代表4", "vote": "against"}.items() <= next(
        v for v in public[0]["votes"] if v["display_name"] == "代表4"
    ).items()


async def test_without_quorum_no_vote_is_taken(app):
    client, _ = app
    reps, pid = await setup(client, 9)
    await client.post(
        f"{ROOM}/proposals/{pid}/study", json={"committees_opinion": "同意"}, headers=staff()
    )
    m = await meeting(client, reps[:5])  # 5 of 9: below two thirds
    assert (m["quorate"], m["present"], m["quorum_needed"]) == (False, 5, 6)
    assert "未达到法定人数" in m["message_zh"]
    r = await vote(client, m["id"], pid, reps[0])
    assert (r.status_code, r.json()["field"]) == (409, "meeting_id")
    assert r.json()["message_zh"] == "出席代表 5 人，未达到法定人数 6 人（代表共 9 人），不能表决"
    assert "no quorum" in r.json()["message"]
    r = await client.post(f"{ROOM}/meetings/{m['id']}/proposals/{pid}/decision", headers=staff())
    assert r.status_code == 409


async def test_the_villages_own_rules_for_quorum_majority_and_deadline(app):
    client, _ = app
    r = await client.put(
        f"{ROOM}/discussion-rules",
        json={
            "quorum_numerator": 1,
            "quorum_denominator": 2,
            "adoption_numerator": 2,
            "adoption_denominator": 3,
            "deadline_working_days": 5,
        },
        headers=staff(),
    )
    assert r.status_code == 200, r.text
    assert (await client.get(f"{ROOM}/discussion-rules")).json()["adoption_numerator"] == 2
    reps, pid = await setup(client, 6)
    proposal = (await client.get(f"{ROOM}/proposals/{pid}", headers=staff())).json()
    assert proposal["deadline_day"] == WorkCalendar().add_working_days(TODAY, 5).isoformat()
    await client.post(
        f"{ROOM}/proposals/{pid}/study", json={"committees_opinion": "同意"}, headers=staff()
    )
    m = await meeting(client, reps[:3])  # half of 6 is enough here
    assert m["quorate"]
    for rep, how in zip(reps[:3], ["for", "for", "against"], strict=True):
        assert (await vote(client, m["id"], pid, rep, how)).status_code == 201
    # 2 of 3 present is not more than two thirds: rejected under this village's rule.
    r = await client.post(f"{ROOM}/meetings/{m['id']}/proposals/{pid}/decision", headers=staff())
    assert r.json()["status"] == "rejected"


@pytest.mark.parametrize(
    "path, payload, field",
    [
        (
            "/discussion-rules",
            {
                "quorum_numerator": 3,
                "quorum_denominator": 2,
                "adoption_numerator": 1,
                "adoption_denominator": 2,
                "deadline_working_days": 5,
            },
            "quorum_numerator",
        ),
        (
            "/discussion-rules",
            {
                "quorum_numerator": 2,
                "quorum_denominator": 3,
                "adoption_numerator": 2,
                "adoption_denominator": 2,
                "deadline_working_days": 5,
            },
            "adoption_numerator",
        ),
        (
            "/discussion-rules",
            {
                "quorum_numerator": 2,
                "quorum_denominator": 3,
                "adoption_numerator": 1,
                "adoption_denominator": 2,
                "deadline_working_days": 0,
            },
            "deadline_working_days",
        ),
        ("/proposals", {"title": "", "content": "c"}, "title"),
        (
            "/proposals",
            {
                "title": "t",
                "content": "c",
                "proposer_applicant_id": "00000000-0000-0000-0000-000000000000",
            },
            "proposer_applicant_id",
        ),
        ("/meetings", {"held_on": "2099-01-01", "present_representative_ids": []}, "held_on"),
        (
            "/meetings",
            {"held_on": TODAY.isoformat(), "present_representative_ids": ["someone"]},
            "present_representative_ids",
        ),
        ("/representatives", {"display_name": ""}, "display_name"),
    ],
)
async def test_bad_input_names_the_field(shared_app, path, payload, field):
    method = shared_app[0].put if path == "/discussion-rules" else shared_app[0].post
    r = await method(f"{ROOM}{path}", json=payload, headers=staff())
    assert r.status_code == 422, r.text
    assert field_of(r) == field


async def test_only_the_villages_staff_keep_the_record(shared_app):
    client, _ = shared_app
    r = await client.post(
        f"{ROOM}/proposals", json={"title": "t", "content": "c"}, headers=staff(OTHER_VILLAGE)
    )
    assert r.status_code == 403
    r = await client.post(f"{ROOM}/proposals", json={"title": "t", "content": "c"})
    assert r.status_code == 401
