"""E-supervision (S1) on PostgreSQL: the clock of every case in every tier, built only from
the thin status events; warnings before the deadline and when overdue, owed once to the staff
who acted last; defaults and refusals flagged; the audit chain check naming an edited record."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import pytest_asyncio
from sqlalchemy import select, text

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.supervision import flows, service
from city_center.supervision.models import CaseClock, StaffMessage
from govnet_kit import audit, audit_cli
from govnet_kit.consumer import DurableConsumer
from govnet_kit.db import transaction
from govnet_kit.worktime import WorkCalendar
from tests.city_center.supervisionkit import (
    CITY,
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Clock,
    S,
    as_message,
    city_app,
    emptied,
    sh,
    staff,
    status_event,
    supervisor,
)
from tests.dbkit import fresh_sessions

CAL = WorkCalendar(confirmed_years=[2026])
# Accepted Monday 2026-09-14; due 24:00 Friday 2026-09-18 (5 working days... of the test's own).
DEADLINE = sh(2026, 9, 19, 0, 0)
N1 = f"{VILLAGE}-20260914-0001"
N2 = f"{VILLAGE}-20260914-0002"
N3 = f"{OTHER_VILLAGE}-20260914-0001"


@pytest_asyncio.fixture(scope="module")
async def database(tmp_path_factory):
    async with fresh_sessions("postgresql", tmp_path_factory.mktemp("supervision")) as sessions:
        yield sessions


@pytest_asyncio.fixture
async def sessions(database):
    await emptied(database)
    return database


def consumer(sessions) -> DurableConsumer:  # type: ignore[no-untyped-def]
    # The process's own consumer, without a NATS link: messages are handed to it directly.
    return flows.consumer(None, sessions, working_days=1, calendar=CAL)  # type: ignore[arg-type]


async def feed(sessions, *events) -> None:  # type: ignore[no-untyped-def]
    c = consumer(sessions)
    for event in events:
        async with transaction(sessions) as s:
            await c.process(s, as_message(event))


def journey(number: str = N1, *, city_staff: str = "rep-1"):  # type: ignore[no-untyped-def]
    """Village accepts and transmits, the township receives and escalates, the city takes it."""
    return [
        status_event(
            number,
            "village",
            S.CASE_STATUS_ACCEPTED,
            sh(2026, 9, 14, 9),
            deadline=DEADLINE,
            staff="vil-1",
        ),
        status_event(
            number, "village", S.CASE_STATUS_TRANSMITTED, sh(2026, 9, 14, 10), deadline=DEADLINE
        ),
        status_event(
            number, "town", S.CASE_STATUS_RECEIVED, sh(2026, 9, 14, 11), deadline=DEADLINE
        ),
        status_event(
            number,
            "town",
            S.CASE_STATUS_TRANSMITTED,
            sh(2026, 9, 14, 12),
            deadline=DEADLINE,
            staff="town-1",
        ),
        status_event(
            number, "city", S.CASE_STATUS_RECEIVED, sh(2026, 9, 14, 13), deadline=DEADLINE
        ),
        status_event(
            number,
            "city",
            S.CASE_STATUS_IN_REVIEW,
            sh(2026, 9, 14, 14),
            deadline=DEADLINE,
            staff=city_staff,
        ),
    ]


async def clocks_of(sessions, number: str) -> dict[str, CaseClock]:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        rows = (await s.scalars(select(CaseClock).where(CaseClock.case_number == number))).all()
    return {c.tier: c for c in rows}


async def test_every_tier_clock_is_projected_from_the_events(sessions):
    events = journey()
    # Delivered twice (a redelivery after a crash), and one old event after a newer one.
    await feed(sessions, *events, *events, events[3])
    clocks = await clocks_of(sessions, N1)
    assert set(clocks) == {"village", "town", "city"}
    v, t, c = clocks["village"], clocks["town"], clocks["city"]
    assert (v.state, v.status, v.outcome, v.responsible_staff_id) == (
        "handed_on",
        "transmitted",
        "handed_on",
        "vil-1",
    )
    assert (t.state, t.place_code, t.responsible_staff_id, t.on_time) == (
        "handed_on",
        TOWN,
        "town-1",
        True,
    )
    assert (c.state, c.status, c.place_code, c.origin_place_code) == (
        "running",
        "in_review",
        CITY,
        VILLAGE,
    )
    assert (c.department_code, c.item_code, c.deadline, c.responsible_staff_id) == (
        "forestry",
        "LY-0001",
        DEADLINE,
        "rep-1",
    )
    assert c.last_event_at == sh(2026, 9, 14, 14) and not c.suspended and c.outcome == ""

    # Suspended for a supplement: the clock stops; resumed with a later deadline.
    later = DEADLINE + timedelta(days=3)
    await feed(
        sessions,
        status_event(
            N1,
            "city",
            S.CASE_STATUS_SUSPENDED,
            sh(2026, 9, 15, 9),
            deadline=DEADLINE,
            staff="rep-1",
            suspended=True,
        ),
    )
    assert (await clocks_of(sessions, N1))["city"].state == "suspended"
    await feed(
        sessions,
        status_event(N1, "city", S.CASE_STATUS_IN_REVIEW, sh(2026, 9, 17, 9), deadline=later),
    )
    c = (await clocks_of(sessions, N1))["city"]
    assert (c.state, c.suspended, c.deadline, c.responsible_staff_id) == (
        "running",
        False,
        later,
        "rep-1",
    )


async def test_defaults_and_refusals_are_flagged_with_their_outcome(sessions):
    await feed(sessions, *journey(N1), *journey(N2, city_staff="rep-2"))
    await feed(
        sessions,
        status_event(
            N1,
            "city",
            S.CASE_STATUS_DEEMED_APPROVED,
            DEADLINE + timedelta(seconds=1),
            deadline=DEADLINE,
            reason_code="timeout_default",
        ),
        status_event(
            N2, "city", S.CASE_STATUS_REFUSED, sh(2026, 9, 16), deadline=DEADLINE, staff="rep-2"
        ),
        # The township mirrors the decision: its own part was handing on, not deciding.
        status_event(N2, "town", S.CASE_STATUS_REFUSED, sh(2026, 9, 16, 11), deadline=DEADLINE),
    )
    n1, n2 = (await clocks_of(sessions, N1)), (await clocks_of(sessions, N2))
    assert (n1["city"].flag, n1["city"].outcome, n1["city"].on_time) == (
        "default",
        "deemed_approved",
        False,
    )
    assert n1["city"].handled_by_staff_id == "rep-1"  # the window that let the clock run out
    assert (n2["city"].flag, n2["city"].outcome, n2["city"].on_time) == ("refused", "refused", True)
    assert (n2["town"].flag, n2["town"].outcome, n2["town"].state) == ("", "handed_on", "decided")


async def test_supervisor_filters_within_the_jurisdiction(sessions, tmp_path):
    await feed(sessions, *journey(N1), *journey(N2), *journey(N3))
    await feed(
        sessions,
        status_event(
            N2, "city", S.CASE_STATUS_APPROVED, sh(2026, 9, 15), deadline=DEADLINE, staff="rep-1"
        ),
    )
    clock = Clock(sh(2026, 9, 20))  # past the deadline: N1 and N3 are overdue at the city
    _, app = city_app(sessions, tmp_path, clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://city"
    ) as client:
        get = lambda **q: client.get("/api/v1/supervision/clocks", params=q, headers=supervisor())  # noqa: E731

        every = await get()
        assert every.status_code == 200 and every.headers["X-Total-Count"] == "9"
        overdue = (await get(overdue="true")).json()
        assert {(c["case_number"], c["tier"]) for c in overdue} == {(N1, "city"), (N3, "city")}
        assert all(c["overdue"] and c["responsible_staff_id"] == "rep-1" for c in overdue)
        county = (await get(place="341102", tier="city")).json()
        assert {c["case_number"] for c in county} == {N1, N2}
        assert {c["case_number"] for c in (await get(state="decided")).json()} == {N2}
        assert (await get(department="water")).json() == []
        assert len((await get(item="LY-0001", tier="village")).json()) == 3
        one = (await client.get(f"/api/v1/supervision/clocks/{N1}", headers=supervisor())).json()
        assert [c["tier"] for c in one] == ["village", "town", "city"]

        # A county's supervisor sees only the county; bad filters name the field.
        county_sup = supervisor(place="341103000000")
        mine = await client.get("/api/v1/supervision/clocks", headers=county_sup)
        assert {c["case_number"] for c in mine.json()} == {N3}
        outside = await client.get(
            "/api/v1/supervision/clocks", params={"place": "341102"}, headers=county_sup
        )
        assert outside.status_code == 403 and outside.json()["field"] == "place"
        assert outside.json()["message_zh"].startswith("地区341102不在")
        bad = await get(state="late")
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "state"]
        assert (await get(place="34x")).status_code == 422
        # Window staff are not supervisors.
        refused = await client.get("/api/v1/supervision/clocks", headers=staff("rep-1"))
        assert refused.status_code == 403 and refused.json()["message_zh"] == "仅限电子监察人员"


async def test_warnings_are_owed_once_to_the_staff_who_acted_last(sessions, tmp_path):
    await feed(sessions, *journey(N1), *journey(N2, city_staff=""))
    # N2 suspended before its warning: a stopped clock owes nothing.
    await feed(
        sessions,
        status_event(
            N2, "city", S.CASE_STATUS_SUSPENDED, sh(2026, 9, 15), deadline=DEADLINE, suspended=True
        ),
    )

    async def raise_at(now) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
        async with transaction(sessions) as s:
            raised = await service.raise_due(s, now=now)
            return [(m.case_number, m.tier, m.kind, m.staff_id) for m in raised]

    # Due Friday 24:00; one working day left from Friday 00:00.
    assert await raise_at(sh(2026, 9, 17, 23, 59)) == []
    assert await raise_at(sh(2026, 9, 18, 0, 0)) == [(N1, "city", "due_soon", "rep-1")]
    assert await raise_at(sh(2026, 9, 18, 12)) == []  # once
    assert await raise_at(DEADLINE) == [(N1, "city", "overdue", "rep-1")]
    assert await raise_at(DEADLINE + timedelta(days=2)) == []

    async with sessions() as s:
        rows = (await s.scalars(select(StaffMessage).order_by(StaffMessage.raised_at))).all()
    assert [(m.kind, m.status, m.staff_id, m.deadline) for m in rows] == [
        ("due_soon", "pending", "rep-1", DEADLINE),
        ("overdue", "pending", "rep-1", DEADLINE),
    ]
    # What notify is asked to send: in-app to the staff member, once per reference.
    request = flows.request_for(rows[1])
    assert (request.address, request.template, request.reference) == (
        "staff:rep-1",
        "case_overdue",
        f"supervision:{rows[1].id}",
    )
    assert dict(request.values) == {"case_number": N1, "deadline": "2026-09-18 24:00"}

    # Resumed, nobody has acted at the city yet: raised all the same, shown to supervisors.
    await feed(
        sessions,
        status_event(
            N2,
            "city",
            S.CASE_STATUS_IN_REVIEW,
            sh(2026, 9, 21),
            deadline=DEADLINE + timedelta(days=3),
        ),
    )
    assert await raise_at(DEADLINE + timedelta(days=4)) == [(N2, "city", "overdue", "")]
    _, app = city_app(sessions, tmp_path, Clock(DEADLINE + timedelta(days=4)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://city"
    ) as client:
        listed = (await client.get("/api/v1/supervision/warnings", headers=supervisor())).json()
        assert [(w["case_number"], w["kind"], w["status"]) for w in listed][0] == (
            N2,
            "overdue",
            "no_recipient",
        )
        assert len(listed) == 3
        mine = (await client.get("/api/v1/supervision/my-warnings", headers=staff("rep-1"))).json()
        assert {w["kind"] for w in mine} == {"due_soon", "overdue"}


async def test_a_warning_already_overdue_when_first_seen_is_sent_as_overdue_only(sessions):
    await feed(sessions, *journey(N1))
    async with transaction(sessions) as s:
        raised = await service.raise_due(s, now=DEADLINE + timedelta(hours=1))
    assert [m.kind for m in raised] == ["overdue"]
    assert (await clocks_of(sessions, N1))["city"].next_warning_at is None


async def test_chain_verification_names_an_edited_record(sessions, tmp_path):
    async with transaction(sessions) as s:
        for i in range(5):
            await audit.append(
                s, actor="staff:rep-1", action="case.step", case_number=N1, data={"i": i}
            )
    _, app = city_app(sessions, tmp_path, Clock(sh(2026, 9, 20)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://city"
    ) as client:
        ok = (await client.get("/api/v1/supervision/audit-chain", headers=supervisor())).json()
        assert (ok["ok"], ok["entries"], ok["first_bad_seq"]) == (True, 5, None)
        async with transaction(sessions) as s:
            await s.execute(
                text("UPDATE audit_entry SET actor = 'staff:someone-else' WHERE seq = 3")
            )
        broken = (await client.get("/api/v1/supervision/audit-chain", headers=supervisor())).json()
        assert (broken["ok"], broken["first_bad_seq"]) == (False, 3)
        assert broken["reason"] == "hash does not match the entry's contents"
        assert (
            await client.get("/api/v1/supervision/audit-chain", headers=staff("x"))
        ).status_code == 403

    # The command every service has: `<service> audit verify`.
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    out = io.StringIO()
    assert await audit_cli.run_command(url, out=out) == 1
    printed = out.getvalue()
    assert "BROKEN at entry 3: hash does not match" in printed
    assert (
        "seq=3" in printed
        and "actor=staff:someone-else" in printed
        and f"case_number={N1}" in printed
    )


def _projection(clocks: dict[str, CaseClock]) -> dict[str, tuple]:  # type: ignore[type-arg]
    return {
        tier: (c.state, c.status, c.outcome, c.deadline, c.responsible_staff_id, c.last_event_id)
        for tier, c in clocks.items()
    }


async def test_a_fetched_batch_projects_as_its_events_one_by_one(sessions):
    """The consumer takes a fetch's events in one transaction: two cases' journeys interleaved
    and one event delivered twice give the clocks the events give one at a time."""
    first, second = journey(N1), journey(N2, city_staff="rep-2")
    interleaved = [e for pair in zip(first, second, strict=True) for e in pair] + [first[2]]
    await feed(sessions, *interleaved)
    alone = {n: _projection(await clocks_of(sessions, n)) for n in (N1, N2)}
    assert alone[N2]["city"][4] == "rep-2"

    await emptied(sessions)
    c = consumer(sessions)
    async with transaction(sessions) as s:
        fresh = await c.process_batch(s, [as_message(e) for e in interleaved])
    assert len(fresh) == len(interleaved) - 1  # the repeated event is handled once
    assert {n: _projection(await clocks_of(sessions, n)) for n in (N1, N2)} == alone

    # Delivered again after a lost ack: nothing changes and nothing is handled twice.
    async with transaction(sessions) as s:
        assert await c.process_batch(s, [as_message(e) for e in interleaved]) == []
    assert {n: _projection(await clocks_of(sessions, n)) for n in (N1, N2)} == alone
