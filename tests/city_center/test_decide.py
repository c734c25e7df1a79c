"""City decisions: escalation is idempotent; only a credential of the item's department that
covers the item may decide (A1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy import func, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import service as case_service
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import Conflict, InvalidArgument, PermissionDenied
from govnet_kit.messaging import OutboxMessage
from tests.dbkit import fresh_sessions

CITY = "341100000000"
REP = Principal(
    subject="rep-1", kind="staff", tier="city", place_code=CITY, department_code="forestry"
)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(
                Department(
                    code="forestry", name_zh="林业局", name_en="Forestry Bureau", stationed=True
                )
            )
            await s.flush()
            item = catalog_pb2.CatalogItem()
            item.CopyFrom(TREE_FELLING_PERMIT)
            await publish(s, record=item)
        yield sessions


def transfer(case_number: str = "341102101201-20261127-0001") -> case_pb2.CaseTransfer:
    now = utcnow()
    return case_pb2.CaseTransfer(
        case_number=case_number,
        query_code="ABCD2345",
        item_code="LY-0001",
        item_version=1,
        origin_place_code="341102101201",
        origin_tier=case_pb2.TIER_VILLAGE,
        sender_place_code="341102101000",
        applicant=case_pb2.Applicant(
            name="赵大山", id_number="341102198001011234", phone="13800000001"
        ),
        materials=[case_pb2.Material(code="application", filename="a.pdf", content=b"scan")],
        accepted_at=ts(now),
        deadline=ts(now + timedelta(days=14)),
        agent_staff_id="staff-v",
    )


def credential(**overrides) -> ApprovalCredential:
    fields = dict(
        department_code="forestry",
        actor_staff_id="rep-1",
        item_codes=frozenset(),
        all_items=True,
        tier="city",
        on_behalf_of="",
        credential_id="cred-1",
        expires_at=0,
    )
    fields.update(overrides)
    return ApprovalCredential(**fields)


async def test_escalating_the_same_case_twice_creates_one_case(sessions):
    async with transaction(sessions) as s:
        _, created_first = await case_service.receive(s, transfer=transfer(), city_place_code=CITY)
    async with transaction(sessions) as s:
        _, created_again = await case_service.receive(s, transfer=transfer(), city_place_code=CITY)
    async with sessions() as s:
        cases = await s.scalar(select(func.count()).select_from(case_service.CityCase))
        events = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.subject.like("govnet.case.%"))
        )
    assert (created_first, created_again) == (True, False)
    assert cases == 1
    assert events == 1  # the retried send published nothing new


async def test_malformed_transfer_names_the_field_and_stores_nothing(sessions):
    bad = transfer("not-a-case-number")
    async with sessions() as s, s.begin():
        with pytest.raises(InvalidArgument) as err:
            await case_service.receive(s, transfer=bad, city_place_code=CITY)
    assert err.value.field == "transfer.case_number"
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(case_service.CityCase)) == 0


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"department_code": "water"}, "another department's credential"),
        ({"all_items": False, "item_codes": frozenset({"LY-0002"})}, "does not cover the item"),
        ({"actor_staff_id": "someone-else"}, "someone else's credential"),
        ({"tier": "town"}, "a credential for another tier"),
    ],
)
async def test_decision_refused_without_a_covering_credential(sessions, overrides, why):
    async with transaction(sessions) as s:
        await case_service.receive(s, transfer=transfer(), city_place_code=CITY)
    async with sessions() as s, s.begin():
        with pytest.raises(PermissionDenied):
            await case_service.decide(
                s,
                case_number=transfer().case_number,
                staff=REP,
                credential=credential(**overrides),
                decision=case_service.DecisionInput(outcome="approve"),
                city_place_code=CITY,
            )


async def test_approval_issues_a_numbered_document_once(sessions):
    async with transaction(sessions) as s:
        await case_service.receive(s, transfer=transfer(), city_place_code=CITY)
    async with transaction(sessions) as s:
        record = await case_service.decide(
            s,
            case_number=transfer().case_number,
            staff=REP,
            credential=credential(item_codes=frozenset({"LY-0001"}), all_items=False),
            decision=case_service.DecisionInput(outcome="approve"),
            city_place_code=CITY,
        )
    assert record.status == case_pb2.CASE_STATUS_APPROVED
    assert record.result_document_number.startswith("FORESTRY-")
    async with sessions() as s, s.begin():
        with pytest.raises(Conflict):
            await case_service.decide(
                s,
                case_number=transfer().case_number,
                staff=REP,
                credential=credential(),
                decision=case_service.DecisionInput(outcome="refuse", legal_reason="x"),
                city_place_code=CITY,
            )
    async with sessions() as s:
        trail = [e.action for e in await audit.entries_for_case(s, transfer().case_number)]
        assert (await audit.verify(s)).ok
    # Deciding a case nobody took takes it first: the decider owns it (L3).
    assert trail == ["case.received", "case.claimed", "case.decided"]


async def test_refusal_must_state_its_legal_reason(sessions):
    async with transaction(sessions) as s:
        await case_service.receive(s, transfer=transfer(), city_place_code=CITY)
    async with sessions() as s, s.begin():
        with pytest.raises(InvalidArgument) as err:
            await case_service.decide(
                s,
                case_number=transfer().case_number,
                staff=REP,
                credential=credential(),
                decision=case_service.DecisionInput(outcome="refuse"),
                city_place_code=CITY,
            )
    assert err.value.field == "legal_reason"
