"""The deciding tier's steps (L2-L4): take a case, hand it on, suspend it for a supplement
(the clock stops, across the National Day holiday and a make-up Saturday), resume, extend once,
withdraw before the decision and not after."""

from __future__ import annotations

from datetime import datetime

import pytest
import pytest_asyncio
from sqlalchemy import select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.case import steps
from city_center.case.models import CaseMaterial
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import ts
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict, HeldByOther, InvalidArgument, PermissionDenied
from govnet_kit.messaging import OutboxMessage
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from tests.dbkit import fresh_sessions

CITY = "341100000000"
NUMBER = "341102101201-20260928-0001"
CAL = WorkCalendar(confirmed_years=[2026])
REP = Principal(
    subject="rep-1", kind="staff", tier="city", place_code=CITY, department_code="forestry"
)
COLLEAGUE = Principal(
    subject="rep-2", kind="staff", tier="city", place_code=CITY, department_code="forestry"
)
OTHER_DEPT = Principal(
    subject="x-1", kind="staff", tier="city", place_code=CITY, department_code="construction"
)
ACCEPTED = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)  # Monday before National Day


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(Department(code="forestry", name_zh="林业局", name_en="Forestry", stationed=True))
            await s.flush()
            item = catalog_pb2.CatalogItem()
            item.CopyFrom(TREE_FELLING_PERMIT)
            item.extension_days = 5
            await publish(s, record=item)
            deadline = CAL.deadline(ACCEPTED, 5)
            await case_service.receive(
                s,
                transfer=case_pb2.CaseTransfer(
                    case_number=NUMBER,
                    query_code="ABCD2345",
                    item_code=item.code,
                    item_version=1,
                    origin_place_code="341102101201",
                    origin_tier=case_pb2.TIER_VILLAGE,
                    sender_place_code="341102101000",
                    applicant=case_pb2.Applicant(name="赵大山", id_number="341102198001011234"),
                    materials=[case_pb2.Material(code="application", content=b"scan")],
                    accepted_at=ts(ACCEPTED),
                    deadline=ts(deadline.due_at),
                ),
                city_place_code=CITY,
            )
        yield sessions


async def _case(s):
    return await steps.locked_case(s, NUMBER)


async def _suspend(sessions, when: datetime, codes=("forest_right",)):
    async with transaction(sessions) as s:
        return await steps.suspend(
            s,
            case=await _case(s),
            staff=REP,
            request=steps.SupplementInput(material_codes=list(codes), note="林权证复印件不清晰"),
            calendar=CAL,
            city_place_code=CITY,
            now=when,
        )


async def _supplement(sessions, when: datetime, codes=("forest_right",)):
    async with transaction(sessions) as s:
        return await steps.supplement(
            s,
            case=await _case(s),
            materials=[
                case_pb2.Material(code=c, filename=f"{c}.pdf", content=b"new") for c in codes
            ],
            sender="staff:village-duty",
            calendar=CAL,
            city_place_code=CITY,
            now=when,
        )


async def test_deadline_counts_the_make_up_saturday(sessions):
    async with sessions() as s:
        case = await case_service.get_case(s, NUMBER)
    # 9/29, 9/30, (National Day 10/1-10/7), 10/8, 10/9, and Saturday 10/10, a make-up workday.
    assert case.deadline == datetime(2026, 10, 11, 0, 0, tzinfo=SHANGHAI)


async def test_suspension_across_national_day_stops_the_clock(sessions):
    case = await _suspend(sessions, at(9, 30))
    assert case.status == case_pb2.CASE_STATUS_SUSPENDED
    assert case.remaining_days == 3  # 10/8, 10/9, 10/10 were still to come
    assert case.owner_staff_id == "rep-1"  # asking for a supplement took the case
    case = await _supplement(sessions, at(10, 8))
    assert case.status == case_pb2.CASE_STATUS_IN_REVIEW
    # Restarted on 10/8 with three days: 10/9, Saturday 10/10, Monday 10/12.
    assert case.deadline == datetime(2026, 10, 13, 0, 0, tzinfo=SHANGHAI)
    async with sessions() as s:
        stored = await s.scalars(select(CaseMaterial.code))
        assert sorted(stored) == ["application", "forest_right"]
        subjects = [m.subject for m in (await s.scalars(select(OutboxMessage))).all()]
        # received, claimed, suspended, resumed: each told to the tiers below
        assert subjects.count("govnet.case.status.city.341102101201") == 4
        trail = [e.action for e in await audit.entries_for_case(s, NUMBER)]
    assert trail == ["case.received", "case.claimed", "case.suspended", "case.resumed"]


async def test_state_tells_the_lower_tiers_what_to_supplement(sessions):
    await _suspend(sessions, at(9, 29), codes=("forest_right", "felling_design"))
    async with sessions() as s:
        state = steps.state_message(await case_service.get_case(s, NUMBER))
    assert state.suspended and state.status == case_pb2.CASE_STATUS_SUSPENDED
    assert list(state.supplement_request.material_codes) == ["forest_right", "felling_design"]
    assert state.supplement_request.material_names_zh[0]
    assert state.supplement_request.note == "林权证复印件不清晰"


async def test_supplement_must_bring_everything_asked(sessions):
    await _suspend(sessions, at(9, 29), codes=("forest_right", "felling_design"))
    with pytest.raises(InvalidArgument) as err:
        await _supplement(sessions, at(10, 8), codes=("forest_right",))
    assert err.value.field == "materials" and "felling_design" in str(err.value)
    async with sessions() as s:
        case = await case_service.get_case(s, NUMBER)
    assert case.status == case_pb2.CASE_STATUS_SUSPENDED


async def test_a_suspended_case_cannot_be_decided(sessions):
    await _suspend(sessions, at(9, 29))
    cred = ApprovalCredential(
        department_code="forestry",
        actor_staff_id="rep-1",
        item_codes=frozenset(),
        all_items=True,
        tier="city",
        on_behalf_of="",
        credential_id="c",
        expires_at=0,
    )
    with pytest.raises(Conflict) as err:
        async with transaction(sessions) as s:
            await case_service.decide(
                s,
                case_number=NUMBER,
                staff=REP,
                credential=cred,
                decision=case_service.DecisionInput(outcome="approve"),
                city_place_code=CITY,
            )
    assert "suspended" in str(err.value)


async def test_suspension_names_only_the_items_materials(sessions):
    with pytest.raises(InvalidArgument) as err:
        await _suspend(sessions, at(9, 29), codes=("passport",))
    assert err.value.field == "material_codes[0]"
    with pytest.raises(PermissionDenied):
        async with transaction(sessions) as s:
            await steps.suspend(
                s,
                case=await _case(s),
                staff=OTHER_DEPT,
                request=steps.SupplementInput(material_codes=["forest_right"], note=""),
                calendar=CAL,
                city_place_code=CITY,
            )


async def test_extension_once_within_the_items_allowance(sessions):
    async def extend(days: int, reason: str = "需现场勘验"):
        async with transaction(sessions) as s:
            return await steps.extend(
                s,
                case=await _case(s),
                staff=REP,
                days=days,
                reason=reason,
                calendar=CAL,
                city_place_code=CITY,
            )

    with pytest.raises(InvalidArgument) as err:
        await extend(6)
    assert err.value.field == "days"
    with pytest.raises(InvalidArgument) as err:
        await extend(2, reason="")
    assert err.value.field == "reason"
    case = await extend(2)
    # From Saturday 10/10: Monday 10/12 and Tuesday 10/13.
    assert case.deadline == datetime(2026, 10, 14, 0, 0, tzinfo=SHANGHAI)
    with pytest.raises(Conflict):
        await extend(1)


async def test_the_owner_hands_the_case_on(sessions):
    async with transaction(sessions) as s:
        await steps.claim(s, case=await _case(s), staff=REP, city_place_code=CITY)
    # A colleague can neither hand it on nor take it: the answer names who holds it (issue 7).
    for attempt in (
        lambda s, case: steps.hand_on(
            s, case=case, staff=COLLEAGUE, to_staff_id="rep-3", reason=""
        ),
        lambda s, case: steps.claim(s, case=case, staff=COLLEAGUE, city_place_code=CITY),
    ):
        with pytest.raises(HeldByOther) as err:
            async with transaction(sessions) as s:
                await attempt(s, await _case(s))
        held = err.value.to_dict()
        assert (held["code"], held["field"]) == ("held_by_other", "owner_staff_id")
        assert held["holder"]["staff_id"] == "rep-1" and held["holder"]["step"] == "in_review"
        assert held["holder"]["since"] is not None
        assert "rep-1" in held["message"] and "rep-1" in held["message_zh"]
    async with transaction(sessions) as s:  # taking it again is no step at all
        await steps.claim(s, case=await _case(s), staff=REP, city_place_code=CITY)
    async with transaction(sessions) as s:
        case = await steps.hand_on(
            s, case=await _case(s), staff=REP, to_staff_id="rep-2", reason="休假"
        )
    assert case.owner_staff_id == "rep-2"


async def test_withdrawal_before_the_decision_and_not_after(sessions):
    await _suspend(sessions, at(9, 29))
    async with transaction(sessions) as s:
        status = await steps.withdraw(
            s,
            case=await _case(s),
            reason="不再需要",
            requested_by="staff:village-duty",
            city_place_code=CITY,
        )
    assert status == case_pb2.CASE_STATUS_WITHDRAWN
    async with sessions() as s:
        state = steps.state_message(await case_service.get_case(s, NUMBER))
    assert not state.suspended and not state.HasField("supplement_request")
    # A retried withdrawal answers the same; a supplement after it is refused.
    async with transaction(sessions) as s:
        again = await steps.withdraw(
            s, case=await _case(s), reason="", requested_by="x:y", city_place_code=CITY
        )
    assert again == case_pb2.CASE_STATUS_WITHDRAWN
    with pytest.raises(Conflict):
        await _supplement(sessions, at(10, 8))


async def test_a_full_process_agent_follows_the_case_across_departments(sessions):
    center = Principal(subject="center-1", kind="staff", tier="city", place_code=CITY)
    agent = Principal(
        subject="agent-9", kind="staff", tier="city", place_code=CITY, department_code="center_desk"
    )
    assert not steps.may_see(agent, (await _fresh_case(sessions)))
    with pytest.raises(PermissionDenied):  # another department cannot name one
        async with transaction(sessions) as s:
            await steps.assign_process_agent(
                s, case=await _case(s), staff=OTHER_DEPT, agent_staff_id="agent-9", reason=""
            )
    async with transaction(sessions) as s:
        case = await steps.assign_process_agent(
            s, case=await _case(s), staff=center, agent_staff_id="agent-9", reason="重点项目"
        )
    assert case.process_agent_staff_id == "agent-9"
    assert steps.may_see(agent, case)
    async with sessions() as s:
        followed = await case_service.list_cases(s, department_code=None, agent_staff_id="agent-9")
        trail = [e.action for e in await audit.entries_for_case(s, NUMBER)]
    assert [c.case_number for c in followed] == [NUMBER]
    assert trail[-1] == "case.process_agent_assigned"


async def _fresh_case(sessions):
    async with sessions() as s:
        return await case_service.get_case(s, NUMBER)
