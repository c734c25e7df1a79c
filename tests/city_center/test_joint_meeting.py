"""Joint handling (L6): the lead department convenes the departments the item names; each
answers under its own credential; an absent department is deemed to consent and the record
names it; all consent approves; a reasoned disagreement goes to coordination."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import pytest_asyncio

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import deemed, flags, joint, steps
from city_center.case import service as case_service
from city_center.case.models import CaseDecision
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.seed import seed_item
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import ts
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict, InvalidArgument, PermissionDenied
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from tests.dbkit import fresh_sessions

CITY = "341100000000"
NUMBER = "341102101201-20261109-0001"
CAL = WorkCalendar(confirmed_years=[2026])
CONVENED = datetime(2026, 11, 9, 9, 0, tzinfo=SHANGHAI)  # a Monday
JOINT = ("land_resources", "environmental_protection", "construction")


def staff(dept: str, sub: str | None = None) -> Principal:
    return Principal(
        subject=sub or f"{dept}-rep",
        kind="staff",
        tier="city",
        place_code=CITY,
        department_code=dept,
    )


def credential(dept: str, sub: str | None = None) -> ApprovalCredential:
    return ApprovalCredential(
        department_code=dept,
        actor_staff_id=sub or f"{dept}-rep",
        item_codes=frozenset(),
        all_items=True,
        tier="city",
        on_behalf_of="",
        credential_id=f"cred-{dept}",
        expires_at=0,
    )


LEAD = staff("development_reform")


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            for code in ("development_reform", *JOINT):
                s.add(Department(code=code, name_zh=code, name_en=code, stationed=True))
            await s.flush()
            item = seed_item("FG-0001")
            await publish(s, record=item)
            await case_service.receive(
                s,
                transfer=case_pb2.CaseTransfer(
                    case_number=NUMBER,
                    query_code="ABCD2345",
                    item_code="FG-0001",
                    item_version=1,
                    origin_place_code="341102101201",
                    origin_tier=case_pb2.TIER_VILLAGE,
                    sender_place_code="341102101000",
                    applicant=case_pb2.Applicant(name="某公司", id_number="91341100MA0000000X"),
                    materials=[case_pb2.Material(code="application", content=b"report")],
                    accepted_at=ts(CONVENED),
                    deadline=ts(CAL.deadline(CONVENED, 20).due_at),
                ),
                city_place_code=CITY,
            )
        yield sessions


async def _convene(sessions, days: int = 3):
    async with transaction(sessions) as s:
        return await joint.convene(
            s,
            case=await steps.locked_case(s, NUMBER),
            staff=LEAD,
            working_days=days,
            calendar=CAL,
            city_place_code=CITY,
            now=CONVENED,
        )


async def _opinion(sessions, dept: str, opinion: str, reason: str = "", sub: str | None = None):
    async with transaction(sessions) as s:
        return await joint.give_opinion(
            s,
            case=await steps.locked_case(s, NUMBER),
            staff=staff(dept, sub),
            credential=credential(dept, sub),
            opinion=opinion,
            reason=reason,
            city_place_code=CITY,
            now=CONVENED + timedelta(hours=2),
        )


async def test_an_absent_department_is_deemed_to_consent(sessions):
    meeting = await _convene(sessions)
    # Three working days after Monday 11/9: due at the end of Thursday 11/12.
    assert meeting.opinion_deadline == datetime(2026, 11, 13, 0, 0, tzinfo=SHANGHAI)
    await _opinion(sessions, "land_resources", "agree")
    await _opinion(sessions, "construction", "agree")
    # Before the deadline the meeting stays open; at it, the silent department is deemed.
    assert (
        await joint.sweep(
            sessions, now=meeting.opinion_deadline - timedelta(seconds=1), city_place_code=CITY
        )
        == []
    )
    assert await joint.sweep(sessions, now=meeting.opinion_deadline, city_place_code=CITY) == [
        NUMBER
    ]
    async with sessions() as s:
        case = await case_service.get_case(s, NUMBER)
        assert case.status == case_pb2.CASE_STATUS_APPROVED
        record = await s.get(CaseDecision, case.id)
        assert record.result_document_number.startswith("DEVELOPMENT_REFORM-2026-")
        assert record.reason_code == "joint_consent"
        m = await joint.meeting_of(s, case)
        by_dept = {o.department_code: o.opinion for o in await joint.opinions(s, m)}
        assert by_dept == {
            "land_resources": "agree",
            "construction": "agree",
            "environmental_protection": "deemed_agree",
        }
        closed = [
            e
            for e in await audit.entries_for_case(s, NUMBER)
            if e.action == "case.joint_meeting_closed"
        ]
        assert closed[0].facts["deemed_to_consent"] == ["environmental_protection"]
    # The sweep of the running service closes it too (the Sweeper calls joint.sweep).
    assert (
        await joint.sweep(
            sessions, now=meeting.opinion_deadline + timedelta(days=1), city_place_code=CITY
        )
        == []
    )


async def test_all_answering_closes_the_meeting_at_once(sessions):
    await _convene(sessions)
    for dept in JOINT:
        await _opinion(sessions, dept, "agree")
    async with sessions() as s:
        case = await case_service.get_case(s, NUMBER)
        assert case.status == case_pb2.CASE_STATUS_APPROVED


async def test_a_reasoned_disagreement_goes_to_coordination(sessions):
    await _convene(sessions)
    with pytest.raises(InvalidArgument) as err:
        await _opinion(sessions, "environmental_protection", "disagree", reason="")
    assert err.value.field == "reason"
    await _opinion(sessions, "environmental_protection", "disagree", reason="环评批复与选址不符")
    await _opinion(sessions, "land_resources", "agree")
    await _opinion(sessions, "construction", "agree")
    async with sessions() as s:
        case = await case_service.get_case(s, NUMBER)
        assert case.status == case_pb2.CASE_STATUS_IN_REVIEW  # the lead department decides
        [flag] = await flags.listing(s, kind=flags.JOINT_DISAGREEMENT, department_code=None)
        assert "环评批复与选址不符" in flag.note and flag.responsible_staff_id == LEAD.subject


async def test_only_convened_departments_answer_once_under_their_credential(sessions):
    await _convene(sessions)
    with pytest.raises(PermissionDenied):  # not convened
        await _opinion(sessions, "forestry", "agree")
    with pytest.raises(PermissionDenied):  # someone else's credential
        async with transaction(sessions) as s:
            await joint.give_opinion(
                s,
                case=await steps.locked_case(s, NUMBER),
                staff=staff("construction", "intruder"),
                credential=credential("construction"),
                opinion="agree",
                reason="",
                city_place_code=CITY,
            )
    await _opinion(sessions, "construction", "agree")
    with pytest.raises(Conflict):
        await _opinion(sessions, "construction", "disagree", reason="改变主意了")


async def test_only_joint_items_and_one_meeting(sessions):
    with pytest.raises(PermissionDenied):  # not the lead department
        async with transaction(sessions) as s:
            await joint.convene(
                s,
                case=await steps.locked_case(s, NUMBER),
                staff=staff("construction"),
                working_days=3,
                calendar=CAL,
                city_place_code=CITY,
            )
    await _convene(sessions)
    with pytest.raises(Conflict):
        await _convene(sessions)


async def test_the_timeout_default_still_applies_if_the_meeting_outlasts_the_time_limit(sessions):
    await _convene(sessions, days=3)
    async with sessions() as s:
        deadline = (await case_service.get_case(s, NUMBER)).deadline
    report = await deemed.sweep(sessions, now=deadline, city_place_code=CITY)
    assert report.deemed == [NUMBER]
    # The meeting then closes without deciding again.
    closed = await joint.sweep(sessions, now=deadline, city_place_code=CITY)
    assert closed == [NUMBER]
    async with sessions() as s:
        case = await case_service.get_case(s, NUMBER)
        assert case.status == case_pb2.CASE_STATUS_DEEMED_APPROVED
