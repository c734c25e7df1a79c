"""The timeout default (L5): a case not decided by its deadline is deemed approved where the
department adopted the double default, flagged where the law excludes it; across a restart,
with two replicas sweeping at once, and racing a decision at the deadline — one outcome."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest_asyncio
from sqlalchemy import func, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import deemed, flags, steps, timers
from city_center.case import service as case_service
from city_center.case.models import CaseDecision, CityCase
from city_center.case.timers import CaseTimer
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.seed import TREE_FELLING_PERMIT
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import audit, deadlines
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import ts
from govnet_kit.db import make_engine, make_sessionmaker, transaction, utcnow
from govnet_kit.errors import Conflict
from govnet_kit.messaging import OutboxMessage
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from tests import lockkit
from tests.dbkit import fresh_sessions

CITY = "341100000000"
ACCEPTED = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)
CAL = WorkCalendar(confirmed_years=[2026])
DEADLINE = CAL.deadline(ACCEPTED, 5).due_at  # 2026-10-11 00:00 Shanghai
REP = Principal(
    subject="rep-1", kind="staff", tier="city", place_code=CITY, department_code="forestry"
)
CREDENTIAL = ApprovalCredential(
    department_code="forestry",
    actor_staff_id="rep-1",
    item_codes=frozenset(),
    all_items=True,
    tier="city",
    on_behalf_of="",
    credential_id="cred-1",
    expires_at=0,
)


def _item(code: str, *, adopted: bool = True, excluded: bool = False) -> catalog_pb2.CatalogItem:
    item = catalog_pb2.CatalogItem()
    item.CopyFrom(TREE_FELLING_PERMIT)
    item.code = code
    if not adopted:
        item.double_default_document = ""
        item.double_default_date = ""
    item.law_excludes_default = excluded
    return item


def _transfer(number: str, item_code: str = "LY-0001") -> case_pb2.CaseTransfer:
    return case_pb2.CaseTransfer(
        case_number=number,
        query_code="ABCD2345",
        item_code=item_code,
        item_version=1,
        origin_place_code="341102101201",
        origin_tier=case_pb2.TIER_VILLAGE,
        sender_place_code="341102101000",
        applicant=case_pb2.Applicant(name="赵大山", id_number="341102198001011234"),
        materials=[case_pb2.Material(code="application", content=b"scan")],
        accepted_at=ts(ACCEPTED),
        deadline=ts(DEADLINE),
    )


def number(i: int) -> str:
    return f"341102101201-20260928-{i:04d}"


async def _receive(sessions, n: int, item_code: str = "LY-0001", start: int = 1) -> None:
    async with transaction(sessions) as s:
        for i in range(start, start + n):
            await case_service.receive(
                s, transfer=_transfer(number(i), item_code), city_place_code=CITY
            )


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(Department(code="forestry", name_zh="林业局", name_en="Forestry", stationed=True))
            await s.flush()
            await publish(s, record=_item("LY-0001"))
            await publish(s, record=_item("LY-0009", excluded=True))
            await publish(s, record=_item("LY-0010", adopted=False))
        yield sessions


@pytest_asyncio.fixture
async def pg_sessions(tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        async with transaction(sessions) as s:
            s.add(Department(code="forestry", name_zh="林业局", name_en="Forestry", stationed=True))
            await s.flush()
            await publish(s, record=_item("LY-0001"))
        yield sessions


async def _sweep(sessions, now: datetime) -> deemed.SweepReport:
    return await deemed.sweep(sessions, now=now, city_place_code=CITY)


async def _status_events(s, status: int) -> list[events_pb2.CaseStatusChanged]:
    rows = (await s.scalars(select(OutboxMessage))).all()
    out = []
    for row in rows:
        if row.subject.startswith("govnet.case.status."):
            event = events_pb2.CaseStatusChanged.FromString(row.payload)
            if event.status == status:
                out.append(event)
    return out


async def test_deadline_passing_across_a_restart(sessions, tmp_path):
    await _receive(sessions, 1)
    async with transaction(sessions) as s:
        await steps.claim(
            s, case=await steps.locked_case(s, number(1)), staff=REP, city_place_code=CITY
        )
    # Before the deadline nothing happens, however often the sweep runs.
    assert (await _sweep(sessions, DEADLINE - timedelta(seconds=1))).deemed == []
    # The process stops; the deadline passes; a new process (new engine) sweeps.
    url = sessions.kw["bind"].url
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        report = await _sweep(make_sessionmaker(engine), DEADLINE + timedelta(hours=3))
    finally:
        await engine.dispose()
    assert report.deemed == [number(1)]
    async with sessions() as s:
        case = await case_service.get_case(s, number(1))
        assert case.status == case_pb2.CASE_STATUS_DEEMED_APPROVED
        decision = await s.get(CaseDecision, case.id)
        assert decision.result_document_number.startswith("FORESTRY-2026-")
        assert "示例林发〔2026〕1号" in decision.document_text
        assert "deemed approved" in decision.document_text
        [event] = await _status_events(s, case_pb2.CASE_STATUS_DEEMED_APPROVED)
        assert event.reason_code == "timeout_default"
        assert event.result_document_number == decision.result_document_number
        [flag] = await flags.listing(s, kind=flags.DEEMED_APPROVED, department_code=None)
        assert flag.responsible_staff_id == "rep-1" and flag.department_code == "forestry"
        entries = await audit.entries_for_case(s, number(1))
        last = entries[-1]
        assert last.action == "case.deemed_approved" and last.actor == "system:deadline"
        assert last.facts["responsible_window_staff"] == "rep-1"
        assert await s.scalar(select(func.count()).select_from(CaseTimer)) == 0
    # A later sweep finds nothing more to do.
    assert (await _sweep(sessions, DEADLINE + timedelta(days=1))).deemed == []


async def test_excluded_or_not_adopted_items_are_flagged_not_approved(sessions):
    await _receive(sessions, 1, "LY-0009", start=1)
    await _receive(sessions, 1, "LY-0010", start=2)
    report = await _sweep(sessions, DEADLINE)
    assert report.deemed == [] and sorted(report.flagged) == [number(1), number(2)]
    async with sessions() as s:
        for n in (number(1), number(2)):
            case = await case_service.get_case(s, n)
            assert case.status == case_pb2.CASE_STATUS_PENDING_DECISION
        kinds = {
            f.case_number: f.kind for f in await flags.listing(s, kind=None, department_code=None)
        }
    assert kinds == {number(1): flags.OVERDUE_EXCLUDED, number(2): flags.OVERDUE_NO_DEFAULT}
    # Flagged once: the clock is gone, the case still waits for its decision.
    assert (await _sweep(sessions, DEADLINE + timedelta(days=2))).flagged == []


async def test_a_suspended_clock_does_not_run_out(sessions):
    await _receive(sessions, 1)
    async with transaction(sessions) as s:
        await steps.suspend(
            s,
            case=await steps.locked_case(s, number(1)),
            staff=REP,
            request=steps.SupplementInput(material_codes=["forest_right"], note=""),
            calendar=CAL,
            city_place_code=CITY,
            now=datetime(2026, 9, 30, 10, tzinfo=SHANGHAI),
        )
    assert (await _sweep(sessions, DEADLINE + timedelta(days=30))).deemed == []
    resumed_at = datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
    async with transaction(sessions) as s:
        case = await steps.supplement(
            s,
            case=await steps.locked_case(s, number(1)),
            materials=[case_pb2.Material(code="forest_right", content=b"new")],
            sender="staff:v",
            calendar=CAL,
            city_place_code=CITY,
            now=resumed_at,
        )
        new_deadline = case.deadline
    assert new_deadline == datetime(2026, 11, 6, 0, 0, tzinfo=SHANGHAI)  # 3 days left: 11/3-11/5
    assert (await _sweep(sessions, new_deadline - timedelta(minutes=1))).deemed == []
    assert (await _sweep(sessions, new_deadline)).deemed == [number(1)]


async def test_a_decision_in_time_stops_the_clock(sessions):
    await _receive(sessions, 1)
    async with transaction(sessions) as s:
        await case_service.decide(
            s,
            case_number=number(1),
            staff=REP,
            credential=CREDENTIAL,
            decision=case_service.DecisionInput(
                outcome="refuse", legal_reason="《森林法》第五十六条"
            ),
            city_place_code=CITY,
        )
    report = await _sweep(sessions, DEADLINE + timedelta(days=1))
    assert report.deemed == [] and report.flagged == []


async def test_two_replicas_sweeping_at_once_apply_each_default_once(pg_sessions):
    await _receive(pg_sessions, 30)
    url = pg_sessions.kw["bind"].url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(2)]
    try:
        reports = await asyncio.gather(
            *(
                deemed.sweep(make_sessionmaker(e), now=DEADLINE, city_place_code=CITY, batch=50)
                for e in engines
            )
        )
    finally:
        for e in engines:
            await e.dispose()
    applied = reports[0].deemed + reports[1].deemed
    assert sorted(applied) == [number(i) for i in range(1, 31)]
    async with pg_sessions() as s:
        assert await s.scalar(select(func.count()).select_from(CaseDecision)) == 30
        events = await _status_events(s, case_pb2.CASE_STATUS_DEEMED_APPROVED)
        assert len(events) == 30 and len({e.case_number for e in events}) == 30
        numbers = await s.scalars(select(CaseDecision.result_document_number))
        assert len(set(numbers)) == 30  # no document number issued twice


async def _deemed_entries(s) -> list[str]:  # type: ignore[no-untyped-def]
    rows = await s.scalars(
        select(audit.AuditEntry.case_number).where(
            audit.AuditEntry.action == "case.deemed_approved"
        )
    )
    return list(rows)


async def test_replicas_sweeping_in_small_batches_apply_and_audit_each_default_once(pg_sessions):
    await _receive(pg_sessions, 30)
    url = pg_sessions.kw["bind"].url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(3)]
    try:
        reports = await asyncio.gather(
            *(
                deemed.sweep(make_sessionmaker(e), now=DEADLINE, city_place_code=CITY, batch=4)
                for e in engines
            )
        )
    finally:
        for e in engines:
            await e.dispose()
    applied = [n for r in reports for n in r.deemed]
    assert sorted(applied) == [number(i) for i in range(1, 31)]  # each once, none missed
    assert not any(r.failed for r in reports)
    async with pg_sessions() as s:
        assert sorted(await _deemed_entries(s)) == sorted(applied)  # one entry per case
        assert (await audit.verify(s)).ok
        numbers = sorted(await s.scalars(select(CaseDecision.result_document_number)))
        assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 31))  # no gap
        assert await s.scalar(select(func.count()).select_from(flags.CaseFlag)) == 30
        assert await s.scalar(select(func.count()).select_from(CaseTimer)) == 0


async def test_a_failing_case_fails_alone_and_is_tried_alone_next_time(sessions):
    await _receive(sessions, 5)
    async with transaction(sessions) as s:  # its item version is gone: its default cannot run
        poison = await case_service.get_case(s, number(3))
        poison.item_version = 99
        poison_id = poison.id

    report = await _sweep(sessions, DEADLINE)
    assert sorted(report.deemed) == [number(i) for i in (1, 2, 4, 5)]
    assert report.failed == [poison_id]
    async with sessions() as s:
        case = await case_service.get_case(s, number(3))
        assert case.status == case_pb2.CASE_STATUS_PENDING_DECISION  # nothing of it stored
        assert await s.get(CaseTimer, poison_id) is not None  # still due
        assert await s.get(CaseDecision, poison_id) is None
        assert sorted(await _deemed_entries(s)) == sorted(report.deemed)

    async with transaction(sessions) as s:
        (await case_service.get_case(s, number(3))).item_version = 1
    again = await deadlines.sweep(sessions, deemed.rule(CITY), now=DEADLINE, suspects=report.failed)
    assert again.deemed == [number(3)] and again.failed == []
    async with sessions() as s:
        assert sorted(await _deemed_entries(s)) == [number(i) for i in range(1, 6)]
        assert (await audit.verify(s)).ok


async def test_a_decision_racing_the_default_ends_in_one_outcome(pg_sessions):
    await _receive(pg_sessions, 12)
    url = pg_sessions.kw["bind"].url.render_as_string(hide_password=False)
    engine = make_engine(url)
    other = make_sessionmaker(engine)

    async def decide(i: int) -> str:
        try:
            async with transaction(pg_sessions) as s:
                await case_service.decide(
                    s,
                    case_number=number(i),
                    staff=REP,
                    credential=CREDENTIAL,
                    decision=case_service.DecisionInput(outcome="approve"),
                    city_place_code=CITY,
                )
            return "decided"
        except Conflict:
            return "too late"

    try:
        results = await asyncio.gather(
            deemed.sweep(other, now=DEADLINE, city_place_code=CITY),
            *(decide(i) for i in range(1, 13)),
        )
        # Whatever the sweep skipped because a decision held the lock, a later sweep settles.
        await deemed.sweep(other, now=DEADLINE, city_place_code=CITY)
    finally:
        await engine.dispose()
    async with pg_sessions() as s:
        cases = (await s.scalars(select(CityCase))).all()
        decisions = (await s.scalars(select(CaseDecision))).all()
        for case in cases:
            assert case.status in (
                case_pb2.CASE_STATUS_APPROVED,
                case_pb2.CASE_STATUS_DEEMED_APPROVED,
            )
        assert len(decisions) == 12
        approved = await _status_events(s, case_pb2.CASE_STATUS_APPROVED)
        defaulted = await _status_events(s, case_pb2.CASE_STATUS_DEEMED_APPROVED)
        assert len(approved) + len(defaulted) == 12
        assert {e.case_number for e in approved}.isdisjoint({e.case_number for e in defaulted})
        assert len(approved) == results[1:].count("decided")


async def test_the_metrics_show_clocks_run_out_and_how_long_they_wait(sessions):
    await _receive(sessions, 2)
    now = utcnow()
    async with transaction(sessions) as s:
        late, later = (await s.scalars(select(CaseTimer).order_by(CaseTimer.case_id))).all()
        late.due_at, later.due_at = now - timedelta(seconds=30), now + timedelta(hours=1)
    source = deadlines.metrics_source(sessions, timers.CLOCKS)

    async def read() -> dict[str, float]:
        return {f.name: f.samples[0].value for f in await source.collect()}

    seen = await read()
    assert seen["govnet_deadline_clocks_running"] == 2
    assert seen["govnet_deadline_clocks_due"] == 1
    assert 30 <= seen["govnet_deadline_sweep_lag_seconds"] < 300
    report = await _sweep(sessions, utcnow())
    assert len(report.deemed) == 1
    seen = await read()
    assert (seen["govnet_deadline_clocks_running"], seen["govnet_deadline_clocks_due"]) == (1, 0)
    assert seen["govnet_deadline_sweep_lag_seconds"] == 0


async def test_a_decision_taking_a_case_and_a_sweep_in_its_department_both_succeed(
    pg_sessions, monkeypatch, caplog
):
    """The deadlock of issue 10: deciding a case nobody took yet claims it first (an audit
    entry) and then numbers its document, while a batch of defaults in the same department
    numbers its documents and then appends its entries. The decision is held just after its
    claim until the sweep waits on a lock, the worst interleaving: both must go through first
    time, with no deadlock for PostgreSQL to break (it would abort one after 1 s)."""
    await _receive(pg_sessions, 5)
    url = pg_sessions.kw["bind"].url.render_as_string(hide_password=False)
    engine = make_engine(url)

    async def decide() -> CaseDecision:
        async with transaction(pg_sessions) as s:
            return await case_service.decide(
                s,
                case_number=number(1),
                staff=REP,
                credential=CREDENTIAL,
                decision=case_service.DecisionInput(outcome="approve"),
                city_place_code=CITY,
            )

    caplog.set_level("WARNING", logger="govnet_kit")
    try:
        record, report = await lockkit.interleaved(
            monkeypatch,
            pg_sessions,
            held_after="case.claimed",
            first=decide,
            then=lambda: deemed.sweep(
                make_sessionmaker(engine), now=DEADLINE, city_place_code=CITY
            ),
        )
    finally:
        await engine.dispose()
    assert record.status == case_pb2.CASE_STATUS_APPROVED
    assert sorted(report.deemed) == [number(i) for i in range(2, 6)] and report.failed == []
    # The batch went through as one: not rolled back and applied again one by one.
    assert not [r for r in caplog.records if "failed" in r.getMessage()]
    async with pg_sessions() as s:
        numbers = sorted(await s.scalars(select(CaseDecision.result_document_number)))
        assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3, 4, 5]  # no gap
        assert (await audit.verify(s)).ok
