"""The township decides its own items (T2, L2-L4, A1): a village's case lands at the window of
its item, is taken, suspended for a supplement and resumed, and decided only under a delegated
approval credential of tier "town" — an approval with a numbered document, a refusal with its
legal reason and the applicant's rights; city items are still forwarded (assisted)."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio
from sqlalchemy import select

from govnet.common.v1 import case_pb2
from govnet_kit.auth import Principal
from govnet_kit.calls import PendingCall
from govnet_kit.db import make_engine, make_sessionmaker, transaction
from govnet_kit.errors import Conflict, HeldByOther, InvalidArgument, PermissionDenied
from tests.dbkit import fresh_sessions
from tests.town_hall.townkit import (
    CAL,
    FELLING,
    OTHER_TOWNSHIP,
    STAFF,
    TOWNSHIP,
    WINDOW_STAFF,
    count,
    credential,
    events,
    load_catalog,
    transfer,
)
from town_hall.case import service as case_service
from town_hall.case import steps, windows
from town_hall.case.models import TownCase, TownDecision
from town_hall.case.timers import TownCaseTimer

S = case_pb2


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
        yield sessions


async def _received(sessions, seq: int = 1, **kw) -> str:  # type: ignore[no-untyped-def]
    t = transfer(seq, **kw)
    async with transaction(sessions) as s:
        await case_service.receive(s, transfer=t, sender="service:village-room")
    return t.case_number


async def _case(sessions, number: str) -> TownCase:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return await case_service.get_case(s, number)


async def test_a_village_case_of_a_township_item_waits_at_its_window_with_a_clock(sessions):
    number = await _received(sessions)
    async with sessions() as s:
        case = await case_service.get_case(s, number)
        timer = await s.get(TownCaseTimer, case.id)
        calls = await count(s, PendingCall)
        emitted = await events(s, number)
    assert (case.status, case.handling) == (S.CASE_STATUS_PENDING_DECISION, "commitment")
    assert case.window_code == "civil_affairs" and case.township_code == TOWNSHIP
    assert timer is not None and timer.due_at == case.deadline
    assert calls == 0  # nothing goes up to the city
    assert [(e.status, e.window_id) for e in emitted] == [
        (S.CASE_STATUS_PENDING_DECISION, "civil_affairs")
    ]


async def test_a_city_item_is_still_forwarded_without_a_clock_here(sessions):
    number = await _received(sessions, item_code=FELLING)
    async with sessions() as s:
        case = await case_service.get_case(s, number)
        escalation = await s.scalar(select(PendingCall).where(PendingCall.key == number))
        assert await s.get(TownCaseTimer, case.id) is None
    assert (case.status, case.handling) == (S.CASE_STATUS_RECEIVED, "assisted")
    assert case.window_code == "agriculture_forestry"
    assert escalation is not None and escalation.kind == case_service.ESCALATE
    async with transaction(sessions) as s:
        case = await case_service.get_case(s, number)
        with pytest.raises(Conflict):
            await steps.claim(s, case=case, staff=WINDOW_STAFF)


async def test_a_townships_own_layout_routes_by_department_then_the_general_window(sessions):
    async with transaction(sessions) as s:
        await windows.replace(
            s,
            TOWNSHIP,
            [windows.Window("social", "社会事务窗口", "Social affairs", (), ("civil_affairs",))],
        )
    number = await _received(sessions)
    other = await _received(sessions, 2, item_code=FELLING)
    assert (await _case(sessions, number)).window_code == "social"
    assert (await _case(sessions, other)).window_code == windows.GENERAL


async def test_take_suspend_supplement_and_resume_the_clock(sessions):
    number = await _received(sessions)
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, number)
        await steps.claim(s, case=case, staff=WINDOW_STAFF)
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, number)
        assert (case.status, case.owner_staff_id) == (S.CASE_STATUS_IN_REVIEW, WINDOW_STAFF.subject)
        with pytest.raises(InvalidArgument) as err:
            await steps.suspend(
                s,
                case=case,
                staff=WINDOW_STAFF,
                request=steps.SupplementInput(material_codes=["no_such"], note=""),
                calendar=CAL,
            )
        assert err.value.field == "material_codes[0]"
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, number)
        await steps.suspend(
            s,
            case=case,
            staff=WINDOW_STAFF,
            request=steps.SupplementInput(material_codes=["proof"], note="证明不清晰"),
            calendar=CAL,
        )
        state = case_service.state_message(case)
    assert state.suspended and list(state.supplement_request.material_codes) == ["proof"]
    assert state.supplement_request.note == "证明不清晰"
    async with sessions() as s:
        case = await case_service.get_case(s, number)
        assert await s.get(TownCaseTimer, case.id) is None  # the clock stopped
        assert case.remaining_days is not None
    # The village relays a supplement without what was asked: refused, naming the field.
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, number)
        with pytest.raises(InvalidArgument) as err:
            await steps.supplement(
                s,
                case=case,
                materials=[case_pb2.Material(code="application", content=b"x")],
                sender="service:village-room",
                calendar=CAL,
            )
        assert err.value.field == "materials"
    for _ in range(2):  # a retried relay changes nothing more
        async with transaction(sessions) as s:
            case = await steps.locked_case(s, number)
            await steps.supplement(
                s,
                case=case,
                materials=[case_pb2.Material(code="proof", content=b"clear scan")],
                sender="service:village-room",
                calendar=CAL,
            )
    async with sessions() as s:
        case = await case_service.get_case(s, number)
        timer = await s.get(TownCaseTimer, case.id)
        emitted = [(e.status, e.reason_code, e.suspended) for e in await events(s, number)]
    assert case.status == S.CASE_STATUS_IN_REVIEW and case.supplement_request is None
    assert timer is not None and timer.due_at == case.deadline
    assert emitted[-2:] == [
        (S.CASE_STATUS_SUSPENDED, "supplement", True),
        (S.CASE_STATUS_IN_REVIEW, "supplemented", False),
    ]


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"department_code": "agriculture"}, "another department's credential"),
        ({"all_items": False, "item_codes": frozenset({"MZ-0999"})}, "does not cover the item"),
        ({"actor_staff_id": "someone-else"}, "someone else's credential"),
        ({"tier": "city"}, "a city credential"),
        ({"tier": ""}, "a credential without a tier"),
    ],
)
async def test_decision_refused_without_a_town_credential_that_covers_the_item(
    sessions, overrides, why
):
    number = await _received(sessions)
    async with transaction(sessions) as s:
        with pytest.raises(PermissionDenied):
            await steps.decide(
                s,
                case_number=number,
                staff=STAFF,
                credential=credential(**overrides),
                decision=steps.DecisionInput(outcome="approve"),
            )
    async with sessions() as s:
        assert await count(s, TownDecision) == 0, why
        assert (await case_service.get_case(s, number)).status == S.CASE_STATUS_PENDING_DECISION


async def test_staff_of_another_township_or_department_cannot_handle_the_case(sessions):
    number = await _received(sessions)
    elsewhere = Principal(subject="town-x", kind="staff", tier="town", place_code=OTHER_TOWNSHIP)
    farming = Principal(
        subject="town-a",
        kind="staff",
        tier="town",
        place_code=TOWNSHIP,
        department_code="agriculture",
    )
    for who in (elsewhere, farming):
        async with transaction(sessions) as s:
            case = await steps.locked_case(s, number)
            with pytest.raises(PermissionDenied):
                await steps.claim(s, case=case, staff=who)


async def test_approval_numbers_the_document_and_tells_the_village(sessions):
    first, second = await _received(sessions), await _received(sessions, 2)
    docs = []
    for number in (first, second):
        async with transaction(sessions) as s:
            record = await steps.decide(
                s,
                case_number=number,
                staff=STAFF,
                credential=credential(),
                decision=steps.DecisionInput(outcome="approve"),
            )
            docs.append(record.result_document_number)
    assert docs[0].startswith(f"{TOWNSHIP}-CIVIL_AFFAIRS-") and docs[0].endswith("-000001")
    assert docs[1].endswith("-000002")
    async with sessions() as s:
        case = await case_service.get_case(s, first)
        assert await s.get(TownCaseTimer, case.id) is None
        emitted = await events(s, first)
        stored = await case_service.stored_decision(s, first)
    assert case.status == S.CASE_STATUS_APPROVED and case.owner_staff_id == STAFF.subject
    # Taken by the decider first (L3), then approved; the village fetches the document.
    assert [e.status for e in emitted] == [
        S.CASE_STATUS_PENDING_DECISION,
        S.CASE_STATUS_IN_REVIEW,
        S.CASE_STATUS_APPROVED,
    ]
    assert emitted[-1].result_document_number == docs[0]
    message = case_service.decision_message(first, stored)
    assert (message.status, message.result_document_number) == (S.CASE_STATUS_APPROVED, docs[0])
    async with transaction(sessions) as s:
        with pytest.raises(Conflict):
            await steps.decide(
                s,
                case_number=first,
                staff=STAFF,
                credential=credential(),
                decision=steps.DecisionInput(outcome="refuse", legal_reason="x"),
            )


async def test_refusal_needs_its_legal_reason_and_the_letter_states_the_rights(sessions):
    number = await _received(sessions)
    async with transaction(sessions) as s:
        with pytest.raises(InvalidArgument) as err:
            await steps.decide(
                s,
                case_number=number,
                staff=STAFF,
                credential=credential(),
                decision=steps.DecisionInput(outcome="refuse", legal_reason="  "),
            )
    assert err.value.field == "legal_reason" and err.value.message_zh != err.value.message
    reason = "申请人不属于水库移民安置对象（《条例》第二条）"
    async with transaction(sessions) as s:
        record = await steps.decide(
            s,
            case_number=number,
            staff=STAFF,
            credential=credential(),
            decision=steps.DecisionInput(
                outcome="refuse", reason_code="not_eligible", legal_reason=reason
            ),
        )
    assert record.status == S.CASE_STATUS_REFUSED and record.result_document_number == ""
    text = record.document_text
    assert reason in text and "不予许可" in text
    assert "60日内" in text and "6个月内" in text and "行政复议" in text and "行政诉讼" in text
    assert "within 60 days" in text and "within 6 months" in text
    message = case_service.decision_message(number, record)
    assert message.legal_reason == reason


async def test_withdrawal_before_the_decision_stops_the_clock_and_not_after(sessions):
    number, decided = await _received(sessions), await _received(sessions, 2)
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, number)
        status = await case_service.withdraw_here(
            s, case=case, reason="申请人撤回", by="applicant:a@341102101201"
        )
    assert status == S.CASE_STATUS_WITHDRAWN
    async with sessions() as s:
        case = await case_service.get_case(s, number)
        assert await s.get(TownCaseTimer, case.id) is None
    async with transaction(sessions) as s:
        await steps.decide(
            s,
            case_number=decided,
            staff=STAFF,
            credential=credential(),
            decision=steps.DecisionInput(outcome="approve"),
        )
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, decided)
        with pytest.raises(Conflict):
            await case_service.withdraw_here(s, case=case, reason="", by="x")


async def test_a_city_event_does_not_move_a_case_the_township_decides(sessions):
    from govnet.events.v1 import events_pb2

    number = await _received(sessions)
    async with transaction(sessions) as s:
        await case_service.on_status_event(
            s,
            event=events_pb2.CaseStatusChanged(
                case_number=number, status=S.CASE_STATUS_APPROVED, tier=S.TIER_CITY
            ),
        )
    async with sessions() as s:
        assert await count(s, PendingCall) == 0
    assert (await _case(sessions, number)).status == S.CASE_STATUS_PENDING_DECISION


async def test_two_window_staff_at_once_one_wins_the_other_is_told_who_holds_it(sessions):
    """Issue 7 on PostgreSQL: two of the window's staff take one case at once, then decide
    another at once; exactly one wins each time, the other's 409 names the winner."""
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite has a single writer)")
    colleague = Principal(
        subject="town-civil-2",
        kind="staff",
        tier="town",
        place_code=TOWNSHIP,
        department_code="civil_affairs",
    )
    taken, decided = await _received(sessions, 1), await _received(sessions, 2)
    engine = make_engine(sessions.kw["bind"].url.render_as_string(hide_password=False))
    other = make_sessionmaker(engine)

    async def act(who: Principal, via, number: str, decide: bool):  # type: ignore[no-untyped-def]
        try:
            async with transaction(via) as s:
                if decide:
                    await steps.decide(
                        s,
                        case_number=number,
                        staff=who,
                        credential=credential(actor_staff_id=who.subject),
                        decision=steps.DecisionInput(outcome="approve"),
                    )
                else:
                    await steps.claim(s, case=await steps.locked_case(s, number), staff=who)
            return who.subject
        except HeldByOther as refused:
            return refused.to_dict()

    try:
        for number, decide, step in ((taken, False, "in_review"), (decided, True, "approved")):
            results = await asyncio.gather(
                act(STAFF, sessions, number, decide), act(colleague, other, number, decide)
            )
            winners = [r for r in results if isinstance(r, str)]
            refusals = [r for r in results if isinstance(r, dict)]
            assert len(winners) == 1 and len(refusals) == 1, results
            assert refusals[0]["code"] == "held_by_other"
            assert refusals[0]["holder"]["staff_id"] == winners[0]
            assert refusals[0]["holder"]["step"] == step
            assert refusals[0]["holder"]["since"] and winners[0] in refusals[0]["message_zh"]
            assert (await _case(sessions, number)).owner_staff_id == winners[0]
    finally:
        await engine.dispose()
    async with sessions() as s:
        assert await count(s, TownDecision) == 1
