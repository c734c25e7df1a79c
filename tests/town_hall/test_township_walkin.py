"""Unified acceptance at the township window (T2, L1, L4): redirect, one one-time notice with
every missing material, the slip with the township's case number; a direct item decided on the
spot and handed over (who received it, when); a city item the city lets townships submit online
goes up as an escalation does and its decision is handed over here."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import catalog_replica
from govnet_kit.calls import PendingCall
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import Conflict, InvalidArgument, PermissionDenied
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions
from tests.town_hall.townkit import (
    BIRTH,
    CABLE_TV,
    CAL,
    FELLING,
    RESETTLEMENT,
    STAFF,
    TOWNSHIP,
    WINDOW_STAFF,
    credential,
    load_catalog,
    transfer,
)
from town_hall.case import service as case_service
from town_hall.case import steps, walkin
from town_hall.case.models import TownOneTimeNotice
from town_hall.case.timers import TownCaseTimer
from town_hall.fee import service as fee_service
from town_hall.fee.models import TownFeeCharge

S = case_pb2
APPLICANT = walkin.ApplicantData(name="钱小梅", id_number="34110219900101123X")
POLICE = STAFF.__class__(
    subject="town-police-1",
    kind="staff",
    tier="town",
    place_code=TOWNSHIP,
    department_code="public_security",
)


def _materials(*codes: str) -> list[walkin.MaterialData]:
    return [
        walkin.MaterialData(c, f"{c}.pdf", "application/pdf", b"scan " + c.encode()) for c in codes
    ]


ALL = _materials("application", "household_register", "proof")


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
        yield sessions


async def _apply(sessions, item_code: str, materials=ALL) -> walkin.Outcome:  # type: ignore[no-untyped-def]
    async with transaction(sessions) as s:
        return await walkin.apply(
            s,
            township_code=TOWNSHIP,
            staff_id=WINDOW_STAFF.subject,
            item_code=item_code,
            applicant=APPLICANT,
            materials=materials,
            calendar=CAL,
        )


async def test_out_of_scope_is_redirected_to_where_it_is_decided(sessions):
    outcome = await _apply(sessions, FELLING)  # the city did not authorise online submission
    assert (outcome.kind, outcome.redirect_tiers) == ("redirected", ["city"])
    async with transaction(sessions) as s:
        with pytest.raises(Exception) as err:
            await walkin.apply(
                s,
                township_code=TOWNSHIP,
                staff_id="x",
                item_code="NO-SUCH",
                applicant=APPLICANT,
                materials=[],
                calendar=CAL,
            )
    assert getattr(err.value, "field", None) == "item_code"


async def test_one_time_notice_lists_every_missing_material_and_accepts_nothing(sessions):
    outcome = await _apply(sessions, RESETTLEMENT, _materials("application"))
    assert outcome.kind == "incomplete" and outcome.case is None
    assert [m["code"] for m in outcome.notice.missing] == ["household_register", "proof"]
    async with sessions() as s:
        assert len(list(await s.scalars(select(TownOneTimeNotice)))) == 1
        assert list(await s.scalars(select(case_service.TownCase))) == []


async def test_the_slip_numbers_the_case_by_the_township_with_a_clock(sessions):
    first = await _apply(sessions, RESETTLEMENT)
    second = await _apply(sessions, RESETTLEMENT)
    case = first.case
    assert first.kind == "accepted" and case is not None
    assert re.fullmatch(rf"{TOWNSHIP}-\d{{8}}-0001", case.case_number)
    assert second.case.case_number.endswith("-0002")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", case.query_code)
    assert (case.status, case.handling, case.walk_in) == (
        S.CASE_STATUS_ACCEPTED,
        "commitment",
        True,
    )
    assert case.deadline == CAL.deadline(case.accepted_at, 15).due_at
    assert (
        "行政复议" in walkin.RIGHTS_AND_OBLIGATIONS
        and "reconsideration" in walkin.RIGHTS_AND_OBLIGATIONS
    )
    async with sessions() as s:
        assert await s.get(TownCaseTimer, case.id) is not None
    # Suspended at the window and supplemented there by the applicant, then decided.
    async with transaction(sessions) as s:
        locked = await steps.locked_case(s, case.case_number)
        await steps.suspend(
            s,
            case=locked,
            staff=STAFF,
            request=steps.SupplementInput(material_codes=["proof"], note=""),
            calendar=CAL,
        )
    async with transaction(sessions) as s:
        locked = await steps.locked_case(s, case.case_number)
        await steps.supplement(
            s,
            case=locked,
            materials=[S.Material(code="proof", content=b"again")],
            sender=f"staff:{STAFF.subject}",
            calendar=CAL,
        )
        assert locked.status == S.CASE_STATUS_IN_REVIEW


async def test_a_direct_item_is_decided_on_the_spot_and_handed_over(sessions):
    outcome = await _apply(sessions, BIRTH)
    case = outcome.case
    assert (case.status, case.handling, case.window_code) == (
        S.CASE_STATUS_ACCEPTED,
        "direct",
        "household_registration",
    )
    async with sessions() as s:
        assert await s.get(TownCaseTimer, case.id) is None  # decided on the spot: no clock
    async with transaction(sessions) as s:
        locked = await steps.locked_case(s, case.case_number)
        with pytest.raises(Conflict):  # direct: nothing to take or suspend
            await steps.claim(s, case=locked, staff=POLICE)
    async with transaction(sessions) as s:
        with pytest.raises(PermissionDenied):  # a credential of another department
            await steps.decide(
                s,
                case_number=case.case_number,
                staff=POLICE,
                credential=credential(actor_staff_id=POLICE.subject),
                decision=steps.DecisionInput(outcome="approve"),
            )
    async with transaction(sessions) as s:
        record = await steps.decide(
            s,
            case_number=case.case_number,
            staff=POLICE,
            credential=credential(actor_staff_id=POLICE.subject, department_code="public_security"),
            decision=steps.DecisionInput(outcome="approve"),
        )
    assert record.status == S.CASE_STATUS_APPROVED
    assert record.result_document_number.startswith(f"{TOWNSHIP}-PUBLIC_SECURITY-")

    async def hand(**kw):  # type: ignore[no-untyped-def]
        async with transaction(sessions) as s:
            locked = await steps.locked_case(s, case.case_number)
            return await walkin.hand_over(s, case=locked, staff=WINDOW_STAFF, **kw), locked

    with pytest.raises(InvalidArgument) as err:
        await hand(recipient="applicant", id_number="341102198001011232")
    assert err.value.field == "id_number"
    with pytest.raises(InvalidArgument) as err:
        await hand(recipient="agent", note="")
    assert err.value.field == "note"
    record, handed = await hand(recipient="applicant", id_number=APPLICANT.id_number.lower())
    assert handed.status == S.CASE_STATUS_REPLIED
    assert record.handed_over_at is not None and record.handed_over_by == WINDOW_STAFF.subject
    assert record.recipient_kind == "applicant"
    with pytest.raises(Conflict) as err:  # handed over already: by whom, since when
        await hand(recipient="applicant", id_number=APPLICANT.id_number)
    holder = err.value.to_dict()["holder"]
    assert (holder["staff_id"], holder["step"]) == (WINDOW_STAFF.subject, "replied")
    assert holder["since"] == record.handed_over_at.isoformat()


async def test_a_city_item_is_submitted_online_and_its_decision_handed_over_here(sessions):
    outcome = await _apply(sessions, CABLE_TV)
    case = outcome.case
    assert (case.status, case.handling, case.window_code) == (
        S.CASE_STATUS_RECEIVED,
        "assisted",
        "agency",
    )
    async with sessions() as s:
        call = await s.scalar(select(PendingCall).where(PendingCall.key == case.case_number))
        assert await s.get(TownCaseTimer, case.id) is None  # the city keeps the clock
    assert call is not None and call.kind == case_service.ESCALATE
    sent = S.CaseTransfer.FromString(call.payload)
    assert (sent.origin_tier, sent.origin_place_code, sent.sender_place_code) == (
        S.TIER_TOWN,
        TOWNSHIP,
        TOWNSHIP,
    )
    assert sorted(m.code for m in sent.materials) == ["application", "household_register", "proof"]
    assert sent.applicant.id_number == APPLICANT.id_number
    async with transaction(sessions) as s:
        await case_service.escalated(s, case_number=case.case_number)
    async with transaction(sessions) as s:
        await case_service.store_decision(
            s,
            decision=S.Decision(
                case_number=case.case_number,
                status=S.CASE_STATUS_APPROVED,
                result_document_number="RADIO_TELEVISION-2026-000001",
                document_title="t",
                document_text="准予许可",
                department_code="radio_television",
                decided_by_staff_id="rep",
                decided_at=ts(utcnow()),
            ),
        )
    async with transaction(sessions) as s:
        locked = await steps.locked_case(s, case.case_number)
        record = await walkin.hand_over(
            s, case=locked, staff=WINDOW_STAFF, recipient="agent", note="孙某，持委托书"
        )
        assert locked.status == S.CASE_STATUS_CLOSED
    assert record.recipient_note == "孙某，持委托书"


async def test_a_village_case_is_handed_over_at_the_village_not_here(sessions):
    t = transfer(1)
    async with transaction(sessions) as s:
        await case_service.receive(s, transfer=t, sender="service:village-room")
    async with transaction(sessions) as s:
        await steps.decide(
            s,
            case_number=t.case_number,
            staff=STAFF,
            credential=credential(),
            decision=steps.DecisionInput(outcome="approve"),
        )
    async with transaction(sessions) as s:
        locked = await steps.locked_case(s, t.case_number)
        with pytest.raises(Conflict):
            await walkin.hand_over(
                s, case=locked, staff=WINDOW_STAFF, recipient="applicant", id_number="x"
            )


async def test_the_document_waits_for_the_fee_one_window_collects(sessions):
    """C6: a walk-in case's result is handed over only once its fee is paid or waived; a
    refusal letter needs no fee."""
    paid_item = catalog_pb2.CatalogItem()
    async with sessions() as s:
        paid_item.CopyFrom(await catalog_replica.current(s, BIRTH))
    paid_item.code, paid_item.fee_fen = "GA-0901", 2000
    async with transaction(sessions) as s:
        await catalog_replica.store(s, paid_item)
    police = credential(actor_staff_id=POLICE.subject, department_code="public_security")

    async def decided(outcome: str, reason: str = "") -> str:
        case = (await _apply(sessions, paid_item.code)).case
        async with transaction(sessions) as s:
            await steps.decide(
                s,
                case_number=case.case_number,
                staff=POLICE,
                credential=police,
                decision=steps.DecisionInput(outcome=outcome, legal_reason=reason),
            )
        return case.case_number

    async def hand(number: str):  # type: ignore[no-untyped-def]
        async with transaction(sessions) as s:
            locked = await steps.locked_case(s, number)
            await walkin.hand_over(
                s,
                case=locked,
                staff=WINDOW_STAFF,
                recipient="applicant",
                id_number=APPLICANT.id_number,
            )
            return locked.status

    approved = await decided("approve")
    with pytest.raises(Conflict) as err:
        await hand(approved)
    assert err.value.field == "fee" and "费用尚未缴纳或减免" in err.value.message_zh
    async with transaction(sessions) as s:
        locked = await steps.locked_case(s, approved)
        charge = await fee_service.pay_at_window(
            s, case=locked, method="cash", staff_id=WINDOW_STAFF.subject
        )
    assert isinstance(charge, TownFeeCharge) and charge.amount_fen == 2000
    assert await hand(approved) == S.CASE_STATUS_REPLIED

    refused = await decided("refuse", reason="不符合《示例法规》第三条")
    assert await hand(refused) in (S.CASE_STATUS_REPLIED, S.CASE_STATUS_CLOSED)


async def test_a_seasonal_item_out_of_season_is_refused_at_the_window(sessions):
    """C5 as at the village: out of its season the item is refused, naming the reason, and
    neither a case nor a one-time notice is stored."""
    item = catalog_pb2.CatalogItem()
    async with sessions() as s:
        item.CopyFrom(await catalog_replica.current(s, RESETTLEMENT))
    item.code = "MZ-SEASON"
    item.seasonal.mode = catalog_pb2.SEASONAL_MODE_RETAINED_WINDOW
    item.seasonal.months.append(utcnow().astimezone(SHANGHAI).month % 12 + 1)  # next month only
    async with transaction(sessions) as s:
        await catalog_replica.store(s, item)
    with pytest.raises(Conflict) as err:
        await _apply(sessions, "MZ-SEASON")
    assert "MZ-SEASON" in err.value.message_zh and err.value.field == "item_code"
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(TownOneTimeNotice)) == 0
