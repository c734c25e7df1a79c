"""The timeout default at the township (L5): a case of the township's own item not decided by
its deadline is deemed approved where the department adopted the double default, flagged to the
supervisor where it did not or the law excludes the item; a decided or suspended case is left
alone; two sweeps at once give one outcome."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select

from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.db import transaction
from govnet_kit.worktime import SHANGHAI
from tests import lockkit
from tests.dbkit import fresh_sessions
from tests.town_hall.townkit import (
    CAL,
    EXCLUDED,
    NO_DEFAULT,
    RESETTLEMENT,
    STAFF,
    TOWNSHIP,
    WINDOW_STAFF,
    count,
    credential,
    events,
    load_catalog,
    transfer,
)
from town_hall.case import deemed, flags, steps
from town_hall.case import service as case_service
from town_hall.case.models import TownDecision
from town_hall.case.timers import TownCaseTimer

S = case_pb2
ACCEPTED = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)
DEADLINE = CAL.deadline(ACCEPTED, 5).due_at
AFTER = DEADLINE + timedelta(minutes=1)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
        yield sessions


async def _received(sessions, seq: int, item_code: str = RESETTLEMENT) -> str:  # type: ignore[no-untyped-def]
    t = transfer(seq, item_code=item_code, accepted_at=ACCEPTED, deadline=DEADLINE)
    async with transaction(sessions) as s:
        await case_service.receive(s, transfer=t, sender="service:village-room")
    return t.case_number


async def test_deemed_approved_where_adopted_flagged_where_not(sessions):
    adopted = await _received(sessions, 1)
    no_default = await _received(sessions, 2, NO_DEFAULT)
    excluded = await _received(sessions, 3, EXCLUDED)
    async with transaction(sessions) as s:  # taken: the window is responsible
        case = await steps.locked_case(s, adopted)
        await steps.claim(s, case=case, staff=WINDOW_STAFF)

    early = await deemed.sweep(sessions, now=DEADLINE - timedelta(minutes=1))
    assert early.deemed == early.flagged == []

    report = await deemed.sweep(sessions, now=AFTER)
    assert report.deemed == [adopted]
    assert sorted(report.flagged) == sorted([no_default, excluded])
    async with sessions() as s:
        case = await case_service.get_case(s, adopted)
        record = await s.get(TownDecision, case.id)
        raised = {f.case_number: f for f in await flags.listing(s, township_code=TOWNSHIP)}
        emitted = await events(s, adopted)
        assert await count(s, TownCaseTimer) == 0
        others = [(await case_service.get_case(s, n)).status for n in (no_default, excluded)]
    assert case.status == S.CASE_STATUS_DEEMED_APPROVED
    assert record is not None and record.reason_code == deemed.REASON_CODE
    assert record.result_document_number.startswith(f"{TOWNSHIP}-CIVIL_AFFAIRS-")
    assert "示例民发〔2026〕9号" in record.document_text and "视为准予" in record.document_text
    assert emitted[-1].status == S.CASE_STATUS_DEEMED_APPROVED
    assert emitted[-1].result_document_number == record.result_document_number
    assert raised[adopted].kind == flags.DEEMED_APPROVED
    assert raised[adopted].responsible_staff_id == WINDOW_STAFF.subject
    assert raised[adopted].window_code == "civil_affairs"
    assert raised[no_default].kind == flags.OVERDUE_NO_DEFAULT
    assert raised[excluded].kind == flags.OVERDUE_EXCLUDED
    assert others == [S.CASE_STATUS_PENDING_DECISION, S.CASE_STATUS_PENDING_DECISION]
    again = await deemed.sweep(sessions, now=AFTER + timedelta(hours=1))
    assert again.deemed == again.flagged == []  # each clock runs out once


async def test_decided_and_suspended_cases_are_left_alone(sessions):
    decided = await _received(sessions, 1)
    suspended = await _received(sessions, 2)
    async with transaction(sessions) as s:
        await steps.decide(
            s,
            case_number=decided,
            staff=STAFF,
            credential=credential(),
            decision=steps.DecisionInput(outcome="approve"),
        )
    async with transaction(sessions) as s:
        case = await steps.locked_case(s, suspended)
        await steps.suspend(
            s,
            case=case,
            staff=STAFF,
            request=steps.SupplementInput(material_codes=["proof"], note=""),
            calendar=CAL,
            now=ACCEPTED + timedelta(hours=1),
        )
    report = await deemed.sweep(sessions, now=AFTER)
    assert report.deemed == report.flagged == []
    async with sessions() as s:
        assert (await case_service.get_case(s, suspended)).status == S.CASE_STATUS_SUSPENDED


@pytest.mark.parametrize("batch", [200, 2])  # all in one transaction each, or several
async def test_two_sweeps_at_once_apply_the_default_once(sessions, batch):
    numbers = [await _received(sessions, i) for i in range(1, 6)]
    first, second = await asyncio.gather(
        deemed.sweep(sessions, now=AFTER, batch=batch),
        deemed.sweep(sessions, now=AFTER, batch=batch),
    )
    assert sorted(first.deemed + second.deemed) == sorted(numbers)
    async with sessions() as s:
        assert await count(s, TownDecision) == 5
        kinds = list(await s.scalars(select(flags.TownCaseFlag.kind)))
        entries = list(
            await s.scalars(
                select(audit.AuditEntry.case_number).where(
                    audit.AuditEntry.action == "case.deemed_approved"
                )
            )
        )
        assert (await audit.verify(s)).ok
    assert kinds == [flags.DEEMED_APPROVED] * 5
    assert sorted(entries) == sorted(numbers)  # one audit entry per default


async def test_the_sweeper_runs_in_the_background(sessions):
    number = await _received(sessions, 1)
    sweeper = deemed.Sweeper(sessions, poll=0.05, clock=lambda: AFTER)
    task = asyncio.create_task(sweeper.run())
    try:
        for _ in range(200):
            async with sessions() as s:
                if (await case_service.get_case(s, number)).status == S.CASE_STATUS_DEEMED_APPROVED:
                    break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    async with sessions() as s:
        assert (await case_service.get_case(s, number)).status == S.CASE_STATUS_DEEMED_APPROVED


async def test_a_decision_taking_a_case_and_a_sweep_in_its_department_both_succeed(
    tmp_path, monkeypatch, caplog
):
    """The deadlock of issue 10 at the township: deciding a case nobody took yet claims it
    (an audit entry) before numbering its document; a batch of defaults of the same department
    numbers first. Held just after the claim until the sweep waits: both go through."""
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
        numbers = [await _received(sessions, i) for i in range(1, 6)]

        async def decide() -> TownDecision:
            async with transaction(sessions) as s:
                return await steps.decide(
                    s,
                    case_number=numbers[0],
                    staff=STAFF,
                    credential=credential(),
                    decision=steps.DecisionInput(outcome="approve"),
                )

        caplog.set_level("WARNING", logger="govnet_kit")
        record, report = await lockkit.interleaved(
            monkeypatch,
            sessions,
            held_after="case.claimed",
            first=decide,
            then=lambda: deemed.sweep(sessions, now=AFTER),
        )
        assert record.status == S.CASE_STATUS_APPROVED
        assert sorted(report.deemed) == sorted(numbers[1:]) and report.failed == []
        assert not [r for r in caplog.records if "failed" in r.getMessage()]
        async with sessions() as s:
            documents = sorted(await s.scalars(select(TownDecision.result_document_number)))
            assert [int(n.rsplit("-", 1)[1]) for n in documents] == [1, 2, 3, 4, 5]
            assert (await audit.verify(s)).ok
