"""The supervision projection (S1): every case clock in every tier, from the thin events.

`project` folds one CaseStatusChanged into the (case number, tier) row; `raise_due` turns the
clocks whose warning has fallen due into messages owed to the responsible staff. Both read and
write only this service's tables (decision 2). Time is always passed in, never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.supervision.models import (
    DECIDED,
    DUE_SOON,
    FINISHED,
    FLAG_DEFAULT,
    FLAG_REFUSED,
    HANDED_ON,
    NO_RECIPIENT,
    OVERDUE,
    PENDING,
    RUNNING,
    SUSPENDED,
    CaseClock,
    StaffMessage,
)
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import lifecycle
from govnet_kit.cases import from_ts
from govnet_kit.db import skip_locked
from govnet_kit.errors import NotFound
from govnet_kit.worktime import SHANGHAI, WorkCalendar

S = case_pb2
# The subject's tier names (kept here: the kit's table lives beside its map, not for the city).
TIER_NAMES = {S.TIER_VILLAGE: "village", S.TIER_TOWN: "town", S.TIER_CITY: "city"}
TIMEOUT_DEFAULT = "timeout_default"  # the reason code of a deemed approval (L5)

STATE_OF = {
    S.CASE_STATUS_ACCEPTED: RUNNING,
    S.CASE_STATUS_RECEIVED: RUNNING,
    S.CASE_STATUS_PENDING_DECISION: RUNNING,
    S.CASE_STATUS_IN_REVIEW: RUNNING,
    S.CASE_STATUS_SUSPENDED: SUSPENDED,
    S.CASE_STATUS_TRANSMITTED: HANDED_ON,
    S.CASE_STATUS_APPROVED: DECIDED,
    S.CASE_STATUS_REFUSED: DECIDED,
    S.CASE_STATUS_DEEMED_APPROVED: DECIDED,
    S.CASE_STATUS_REPLY_READY: DECIDED,
    S.CASE_STATUS_REPLIED: FINISHED,
    S.CASE_STATUS_CLOSED: FINISHED,
    S.CASE_STATUS_WITHDRAWN: FINISHED,
}
# The first of these a tier reaches is what its part of the case came to (appraisal).
OUTCOME_OF = {
    S.CASE_STATUS_TRANSMITTED: "handed_on",
    S.CASE_STATUS_APPROVED: "approved",
    S.CASE_STATUS_REFUSED: "refused",
    S.CASE_STATUS_DEEMED_APPROVED: "deemed_approved",
    S.CASE_STATUS_WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class Projected:
    clock: CaseClock
    changed: bool  # False: an older event arrived after a newer one and changed nothing
    previous_state: str | None


def warn_at(deadline: datetime, *, working_days: int, calendar: WorkCalendar) -> datetime:
    """When at most `working_days` working days are left before the deadline (24:00 of its
    due day): midnight after the working day that many working days before the due day."""
    due_day = deadline.astimezone(SHANGHAI).date() - timedelta(days=1)
    day, left = due_day, working_days
    while left > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def next_warning(clock: CaseClock, *, working_days: int, calendar: WorkCalendar) -> datetime | None:
    """When the next warning owed on this clock falls due; None if none is owed."""
    if clock.state != RUNNING or clock.deadline is None:
        return None
    warned = set(clock.warned or [])
    if working_days > 0 and DUE_SOON not in warned and OVERDUE not in warned:
        return warn_at(clock.deadline, working_days=working_days, calendar=calendar)
    if OVERDUE not in warned:
        return clock.deadline
    return None


async def project(
    session: AsyncSession,
    event: events_pb2.CaseStatusChanged,
    *,
    working_days: int,
    calendar: WorkCalendar,
) -> Projected | None:
    """Fold one status event into its clock. Statuses before a case exists (a question, a
    redirect, a one-time notice) have no clock: None."""
    state = STATE_OF.get(event.status)
    tier = TIER_NAMES.get(event.tier)
    if state is None or tier is None or not event.case_number:
        return None
    at = from_ts(event.occurred_at)
    clock = await session.scalar(
        select(CaseClock)
        .where(CaseClock.case_number == event.case_number, CaseClock.tier == tier)
        .with_for_update()
    )
    if clock is None:
        clock = CaseClock(
            case_number=event.case_number,
            tier=tier,
            started_at=at,
            warned=[],
            outcome="",
            flag="",
            responsible_staff_id="",
            handled_by_staff_id="",
            last_event_at=at,
            last_event_id=event.event_id,
        )
        session.add(clock)
        previous = None
    elif at < clock.last_event_at:
        return Projected(clock, False, clock.state)  # a redelivered older event
    else:
        previous = clock.state
    clock.place_code = event.place_code
    clock.origin_place_code = event.origin_place_code
    clock.department_code = event.department_code
    clock.item_code = event.item_code
    clock.item_version = event.item_version
    clock.window_id = event.window_id or clock.window_id or ""
    clock.status = lifecycle.name(event.status)
    clock.state = state
    clock.suspended = event.suspended or state == SUSPENDED
    if event.HasField("deadline"):
        clock.deadline = from_ts(event.deadline)
    if event.acting_staff_id:
        clock.responsible_staff_id = event.acting_staff_id
    clock.reason_code = event.reason_code
    clock.last_event_id = event.event_id
    clock.last_event_at = at
    outcome = OUTCOME_OF.get(event.status)
    if outcome and not clock.outcome:
        clock.outcome = outcome
        clock.handled_at = at
        clock.handled_by_staff_id = clock.responsible_staff_id
        clock.on_time = None if clock.deadline is None else at <= clock.deadline
        if outcome == "deemed_approved" or event.reason_code == TIMEOUT_DEFAULT:
            clock.flag = FLAG_DEFAULT
        elif outcome == "refused":
            clock.flag = FLAG_REFUSED
    clock.next_warning_at = next_warning(clock, working_days=working_days, calendar=calendar)
    await session.flush()
    return Projected(clock, True, previous)


async def raise_due(
    session: AsyncSession, *, now: datetime, limit: int = 200
) -> list[StaffMessage]:
    """Warnings whose time has come, once per case, tier and kind; safe with replicas (the
    rows are claimed with SKIP LOCKED) and cheap (only due rows, through the index)."""
    clocks = (
        await session.scalars(
            select(CaseClock)
            .where(CaseClock.next_warning_at <= now)
            .order_by(CaseClock.next_warning_at)
            .limit(limit)
            .with_for_update(**skip_locked(session))
        )
    ).all()
    raised = []
    for clock in clocks:
        warned = list(clock.warned or [])
        if clock.state != RUNNING or clock.deadline is None:
            clock.next_warning_at = None
            continue
        # A clock found already past its deadline owes only the overdue warning.
        kind = OVERDUE if now >= clock.deadline else DUE_SOON
        message = await owe(session, clock=clock, kind=kind, values={}, now=now)
        if message is not None:
            raised.append(message)
        warned += [DUE_SOON, kind] if kind == OVERDUE else [kind]
        clock.warned = sorted(set(warned))
        clock.next_warning_at = clock.deadline if kind == DUE_SOON else None
    await session.flush()
    return raised


async def owe(
    session: AsyncSession,
    *,
    clock: CaseClock,
    kind: str,
    values: dict[str, str],
    now: datetime,
) -> StaffMessage | None:
    """Queue a message to the clock's responsible staff once per (case, tier, kind)."""
    exists = await session.scalar(
        select(StaffMessage.id).where(
            StaffMessage.case_number == clock.case_number,
            StaffMessage.tier == clock.tier,
            StaffMessage.kind == kind,
        )
    )
    if exists is not None:
        return None
    message = StaffMessage(
        case_number=clock.case_number,
        tier=clock.tier,
        kind=kind,
        staff_id=clock.responsible_staff_id,
        place_code=clock.place_code,
        department_code=clock.department_code,
        deadline=clock.deadline,
        values=values,
        status=PENDING if clock.responsible_staff_id else NO_RECIPIENT,
        attempts=0,
        next_attempt_at=now,
        raised_at=now,
    )
    session.add(message)
    return message


@dataclass(frozen=True)
class ClockFilter:
    tier: str | None = None
    place: str | None = None  # a division-code prefix: the supervisor's jurisdiction
    department: str | None = None
    item: str | None = None
    state: str | None = None
    status: str | None = None
    staff: str | None = None
    flag: str | None = None
    overdue: bool | None = None
    limit: int = 100
    offset: int = 0


def _filtered(query: Select, f: ClockFilter, now: datetime) -> Select:  # type: ignore[type-arg]
    if f.tier:
        query = query.where(CaseClock.tier == f.tier)
    if f.place:
        prefix = f.place + "%"
        query = query.where(
            or_(CaseClock.place_code.like(prefix), CaseClock.origin_place_code.like(prefix))
        )
    if f.department:
        query = query.where(CaseClock.department_code == f.department)
    if f.item:
        query = query.where(CaseClock.item_code == f.item)
    if f.state:
        query = query.where(CaseClock.state == f.state)
    if f.status:
        query = query.where(CaseClock.status == f.status)
    if f.staff:
        query = query.where(CaseClock.responsible_staff_id == f.staff)
    if f.flag:
        query = query.where(CaseClock.flag == f.flag)
    if f.overdue is True:
        query = query.where(CaseClock.state == RUNNING, CaseClock.deadline < now)
    elif f.overdue is False:
        query = query.where(or_(CaseClock.deadline.is_(None), CaseClock.deadline >= now))
    return query


async def clocks(
    session: AsyncSession, f: ClockFilter, *, now: datetime
) -> tuple[list[CaseClock], int]:
    """The clocks that match, most urgent first, and how many match in all."""
    total = await session.scalar(_filtered(select(func.count(CaseClock.id)), f, now))
    rows = await session.scalars(
        _filtered(select(CaseClock), f, now)
        .order_by(CaseClock.deadline.asc().nulls_last(), CaseClock.case_number, CaseClock.tier)
        .limit(f.limit)
        .offset(f.offset)
    )
    return list(rows.all()), int(total or 0)


async def case_clocks(session: AsyncSession, case_number: str) -> list[CaseClock]:
    rows = (
        await session.scalars(
            select(CaseClock)
            .where(CaseClock.case_number == case_number)
            .order_by(CaseClock.started_at)
        )
    ).all()
    if not rows:
        raise NotFound(
            f"no clock for case {case_number}",
            message_zh=f"未找到办件{case_number}的时限记录",
            field="case_number",
        )
    return list(rows)


async def warnings(
    session: AsyncSession,
    *,
    kind: str | None,
    place: str | None,
    department: str | None,
    staff: str | None,
    limit: int,
) -> list[StaffMessage]:
    query = select(StaffMessage).order_by(StaffMessage.raised_at.desc()).limit(limit)
    query = query.where(StaffMessage.kind.in_([kind] if kind else [DUE_SOON, OVERDUE]))
    if place:
        query = query.where(StaffMessage.place_code.like(place + "%"))
    if department:
        query = query.where(StaffMessage.department_code == department)
    if staff:
        query = query.where(StaffMessage.staff_id == staff)
    return list((await session.scalars(query)).all())
