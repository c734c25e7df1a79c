"""Two representatives acting on one case at once (issue 7, L3) on PostgreSQL: exactly one
wins, the other is told who holds the case, at which step and since when, in both languages."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest_asyncio
from sqlalchemy import func, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.case.models import CaseDecision
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import TREE_FELLING_PERMIT
from govnet.common.v1 import case_pb2
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import ts
from govnet_kit.db import make_engine, make_sessionmaker, transaction, utcnow
from govnet_kit.errors import HeldByOther
from tests.dbkit import fresh_sessions
from tests.tokens import bearer, key_set, staff_token

CITY = "341100000000"


def number(i: int) -> str:
    return f"341102101201-20261128-{i:04d}"


def signed_in(subject: str) -> dict[str, str]:
    return bearer(staff_token(tier="city", place=CITY, dept="forestry", sub=subject))


def rep(subject: str) -> Principal:
    return Principal(
        subject=subject, kind="staff", tier="city", place_code=CITY, department_code="forestry"
    )


def credential(subject: str) -> ApprovalCredential:
    return ApprovalCredential(
        department_code="forestry",
        actor_staff_id=subject,
        item_codes=frozenset(),
        all_items=True,
        tier="city",
        on_behalf_of="",
        credential_id=f"cred-{subject}",
        expires_at=0,
    )


@pytest_asyncio.fixture
async def city(tmp_path):
    """The city's HTTP API in-process on a fresh PostgreSQL database with four cases."""
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(Department(code="forestry", name_zh="林业局", name_en="Forestry", stationed=True))
            await s.flush()
            await publish(s, record=TREE_FELLING_PERMIT)
            for i in range(1, 5):
                await case_service.receive(
                    s,
                    transfer=case_pb2.CaseTransfer(
                        case_number=number(i),
                        query_code="ABCD2345",
                        item_code="LY-0001",
                        item_version=1,
                        origin_place_code="341102101201",
                        origin_tier=case_pb2.TIER_VILLAGE,
                        sender_place_code="341102101000",
                        applicant=case_pb2.Applicant(name="赵大山", id_number="341102198001011234"),
                        materials=[case_pb2.Material(code="application", content=b"scan")],
                        accepted_at=ts(utcnow()),
                        deadline=ts(utcnow() + timedelta(days=20)),
                    ),
                    city_place_code=CITY,
                )
        settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")  # type: ignore[call-arg]
        runtime, app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
            yield client, sessions
        await runtime.engine.dispose()


async def test_two_claims_at_once_one_wins_the_other_is_told_who_holds_it(city):
    client, _ = city
    for i in (1, 2):  # twice, so either representative may be the one who comes first
        url = f"/api/v1/cases/{number(i)}/claim"
        first, second = await asyncio.gather(
            client.post(url, headers=signed_in("rep-wang")),
            client.post(url, headers=signed_in("rep-li")),
        )
        answers = {"rep-wang": first, "rep-li": second}
        assert sorted(r.status_code for r in answers.values()) == [200, 409], [
            r.text for r in answers.values()
        ]
        winner = next(who for who, r in answers.items() if r.status_code == 200)
        loser = answers["rep-li" if winner == "rep-wang" else "rep-wang"].json()
        assert answers[winner].json()["owner_staff_id"] == winner
        assert (loser["code"], loser["field"]) == ("held_by_other", "owner_staff_id")
        assert loser["holder"]["staff_id"] == winner
        assert (loser["holder"]["step"], loser["holder"]["step_zh"]) == ("in_review", "审查中")
        assert loser["holder"]["since"] is not None
        assert winner in loser["message"] and "in_review" in loser["message"]
        assert winner in loser["message_zh"] and "审查中" in loser["message_zh"]
        # The case stays the winner's: asking again gives the same answer.
        again = await client.post(
            url, headers=signed_in("rep-li" if winner == "rep-wang" else "rep-wang")
        )
        assert again.status_code == 409 and again.json()["holder"]["staff_id"] == winner


async def test_two_decisions_at_once_one_document_the_other_names_the_decider(city):
    _, sessions = city
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    engine = make_engine(url)
    other = make_sessionmaker(engine)

    async def decide(who: str, via) -> str | HeldByOther:  # type: ignore[no-untyped-def]
        try:
            async with transaction(via) as s:
                await case_service.decide(
                    s,
                    case_number=number(3),
                    staff=rep(who),
                    credential=credential(who),
                    decision=case_service.DecisionInput(outcome="approve"),
                    city_place_code=CITY,
                )
            return who
        except HeldByOther as refused:
            return refused

    try:
        results = await asyncio.gather(decide("rep-wang", sessions), decide("rep-li", other))
    finally:
        await engine.dispose()
    winners = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if isinstance(r, HeldByOther)]
    assert len(winners) == 1 and len(refusals) == 1
    holder = refusals[0].to_dict()["holder"]
    assert holder["staff_id"] == winners[0] and holder["step"] == "approved"
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(CaseDecision)) == 1
        record = await s.scalar(select(CaseDecision))
    assert record.decided_by == winners[0]
    assert holder["since"] == record.decided_at.isoformat()


async def test_hand_on_by_a_colleague_names_the_holder_and_the_owner_still_can(city):
    client, _ = city
    url = f"/api/v1/cases/{number(4)}"
    assert (await client.post(f"{url}/claim", headers=signed_in("rep-wang"))).status_code == 200
    refused = await client.post(
        f"{url}/hand-on",
        json={"to_staff_id": "rep-li", "reason": "顶岗"},
        headers=signed_in("rep-li"),
    )
    assert refused.status_code == 409 and refused.json()["holder"]["staff_id"] == "rep-wang"
    handed = await client.post(
        f"{url}/hand-on",
        json={"to_staff_id": "rep-li", "reason": "休假"},
        headers=signed_in("rep-wang"),
    )
    assert handed.status_code == 200 and handed.json()["owner_staff_id"] == "rep-li"
    taken = await client.post(f"{url}/claim", headers=signed_in("rep-wang"))
    assert taken.status_code == 409 and taken.json()["holder"]["staff_id"] == "rep-li"
