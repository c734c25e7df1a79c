"""Two duty staff acting on one case at once at the village (issue 7) on PostgreSQL, through
the HTTP API: exactly one hands the reply over, the other is told who did, by the name the
roster gives them, at which step and since when; the same for closing and for a withdrawal."""

from __future__ import annotations

import asyncio

import pytest_asyncio

from city_center.seed import TREE_FELLING_PERMIT
from govnet.common.v1 import case_pb2
from govnet_kit import catalog_replica
from govnet_kit.db import transaction
from tests.village_room.roomkit import VILLAGE, accepted_case, replied_case, room_app, staff
from village_room.case import service as case_service
from village_room.roster import service as roster_service

NAMES = {"duty-zhao": "赵桂兰", "duty-qian": "钱建国"}


@pytest_asyncio.fixture
async def room(tmp_path):
    async with room_app("postgresql", tmp_path) as (client, runtime):
        async with transaction(runtime.sessions) as s:
            await catalog_replica.store(s, TREE_FELLING_PERMIT)
            for staff_id, name in NAMES.items():
                await roster_service.put_member(
                    s,
                    place_code=VILLAGE,
                    staff_id=staff_id,
                    actor="staff:head",
                    display_name=name,
                    committee="villagers_committee",
                    off_duty_contact="0550-1234567",
                    active=True,
                )
        yield client, runtime


async def _replied_case(runtime, decision: int) -> str:  # type: ignore[no-untyped-def]
    """A case accepted as agent, acknowledged by the township and decided above."""
    return await replied_case(
        runtime,
        case_pb2.Decision(
            status=decision,
            document_title="不予许可决定书",
            document_text="不予许可。",
            legal_reason="《森林法》第五十六条",
        ),
    )


def _one_wins(first, second) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    answers = {"duty-zhao": first, "duty-qian": second}
    assert sorted(r.status_code for r in answers.values()) == [200, 409], [
        r.text for r in answers.values()
    ]
    winner = next(who for who, r in answers.items() if r.status_code == 200)
    loser = next(r for r in answers.values() if r.status_code == 409).json()
    return winner, loser


async def test_two_hand_overs_at_once_one_wins_the_other_names_the_winner(room):
    client, runtime = room
    number = await _replied_case(runtime, case_pb2.CASE_STATUS_REFUSED)
    url = f"/api/v1/cases/{number}/hand-over"
    first, second = await asyncio.gather(
        client.post(url, headers=staff(sub="duty-zhao")),
        client.post(url, headers=staff(sub="duty-qian")),
    )
    winner, loser = _one_wins(first, second)
    assert loser["code"] == "held_by_other" and loser["field"] == "holder"
    assert loser["holder"]["staff_id"] == winner
    assert loser["holder"]["display_name"] == NAMES[winner]
    assert (loser["holder"]["step"], loser["holder"]["step_zh"]) == ("replied", "已答复")
    assert loser["holder"]["since"] is not None
    assert NAMES[winner] in loser["message_zh"] and winner in loser["message"]
    async with runtime.sessions() as s:
        case = await case_service.get_case(s, number)
    assert case.status == case_pb2.CASE_STATUS_REPLIED

    # Closing twice at once: the same answer, naming who closed it.
    url = f"/api/v1/cases/{number}/close"
    first, second = await asyncio.gather(
        client.post(url, headers=staff(sub="duty-zhao")),
        client.post(url, headers=staff(sub="duty-qian")),
    )
    winner, loser = _one_wins(first, second)
    assert (loser["holder"]["staff_id"], loser["holder"]["step"]) == (winner, "closed")


async def test_a_second_withdrawal_names_who_asked_for_the_first(room):
    client, runtime = room
    url = f"/api/v1/cases/{await accepted_case(runtime)}/withdrawal"
    body = {"reason": "申请人不再需要"}
    first, second = await asyncio.gather(
        client.post(url, json=body, headers=staff(sub="duty-zhao")),
        client.post(url, json=body, headers=staff(sub="duty-qian")),
    )
    answers = {"duty-zhao": first, "duty-qian": second}
    assert sorted(r.status_code for r in answers.values()) == [202, 409]
    winner = next(who for who, r in answers.items() if r.status_code == 202)
    loser = next(r for r in answers.values() if r.status_code == 409).json()
    assert loser["holder"]["staff_id"] == winner
    assert loser["holder"]["display_name"] == NAMES[winner]
