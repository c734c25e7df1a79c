"""E-supervision (S1) for supervisors: every case clock in every tier of their jurisdiction,
the warnings raised, and the check of this service's audit chain. Staff see their own warnings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from city_center.supervision import service
from city_center.supervision.dependencies import Now, Supervisor, scoped_place
from city_center.supervision.models import RUNNING, STATES, CaseClock, StaffMessage
from city_center.supervision.schemas import ChainOut, ClockOut, WarningOut
from govnet_kit import audit
from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"])

Place = Annotated[
    str | None, Query(pattern=r"^\d{1,12}$", description="division-code prefix (jurisdiction)")
]
Code = Annotated[str | None, Query(max_length=50, pattern=r"^[A-Za-z0-9_.:-]+$")]
State = Literal["running", "suspended", "handed_on", "decided", "finished"]
assert set(State.__args__) == set(STATES)  # type: ignore[attr-defined]


def clock_out(c: CaseClock, now) -> ClockOut:  # type: ignore[no-untyped-def]
    return ClockOut(
        case_number=c.case_number,
        tier=c.tier,
        place_code=c.place_code,
        origin_place_code=c.origin_place_code,
        department_code=c.department_code,
        item_code=c.item_code,
        item_version=c.item_version,
        window_id=c.window_id,
        status=c.status,
        state=c.state,
        suspended=c.suspended,
        deadline=c.deadline,
        overdue=c.state == RUNNING and c.deadline is not None and c.deadline < now,
        responsible_staff_id=c.responsible_staff_id,
        reason_code=c.reason_code,
        flag=c.flag,
        outcome=c.outcome,
        handled_at=c.handled_at,
        on_time=c.on_time,
        warned=list(c.warned or []),
        last_event_at=c.last_event_at,
    )


def warning_out(m: StaffMessage) -> WarningOut:
    return WarningOut.model_validate(m, from_attributes=True)


@router.get("/clocks", response_model=list[ClockOut])
async def clocks(
    supervisor: Supervisor,
    runtime: CurrentRuntime,
    now: Now,
    response: Response,
    tier: Literal["village", "town", "city"] | None = None,
    place: Place = None,
    department: Code = None,
    item: Code = None,
    state: State | None = None,
    status: Code = None,
    staff: Code = None,
    flag: Literal["default", "refused"] | None = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ClockOut]:
    """Most urgent first; the number that match is in `X-Total-Count`."""
    criteria = service.ClockFilter(
        tier=tier,
        place=scoped_place(supervisor, place),
        department=department,
        item=item,
        state=state,
        status=status,
        staff=staff,
        flag=flag,
        overdue=overdue,
        limit=limit,
        offset=offset,
    )
    async with transaction(runtime.sessions) as session:
        rows, total = await service.clocks(session, criteria, now=now)
    response.headers["X-Total-Count"] = str(total)
    return [clock_out(c, now) for c in rows]


@router.get("/clocks/{case_number}", response_model=list[ClockOut])
async def case_clocks(
    case_number: Annotated[str, Path(pattern=r"^\d{12}-\d{8}-\d{4,}$")],
    supervisor: Supervisor,
    runtime: CurrentRuntime,
    now: Now,
) -> list[ClockOut]:
    """The case's clock at each tier it went through."""
    own = scoped_place(supervisor, None)
    async with transaction(runtime.sessions) as session:
        rows = await service.case_clocks(session, case_number)
    if not any(c.place_code.startswith(own) or c.origin_place_code.startswith(own) for c in rows):
        scoped_place(supervisor, rows[0].origin_place_code)  # refuses, naming the place
    return [clock_out(c, now) for c in rows]


@router.get("/warnings", response_model=list[WarningOut])
async def warnings(
    supervisor: Supervisor,
    runtime: CurrentRuntime,
    kind: Literal["due_soon", "overdue"] | None = None,
    place: Place = None,
    department: Code = None,
    staff: Code = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[WarningOut]:
    """Warnings raised, newest first, with whether they reached the staff."""
    async with transaction(runtime.sessions) as session:
        rows = await service.warnings(
            session,
            kind=kind,
            place=scoped_place(supervisor, place),
            department=department,
            staff=staff,
            limit=limit,
        )
    return [warning_out(m) for m in rows]


@router.get("/my-warnings", response_model=list[WarningOut])
async def my_warnings(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[WarningOut]:
    """A staff member's own warnings (they also arrive in their in-app inbox via notify)."""
    principal.require_staff()
    async with transaction(runtime.sessions) as session:
        rows = await service.warnings(
            session, kind=None, place=None, department=None, staff=principal.subject, limit=100
        )
    return [warning_out(m) for m in rows]


@router.get("/audit-chain", response_model=ChainOut)
async def audit_chain(supervisor: Supervisor, runtime: CurrentRuntime, now: Now) -> ChainOut:
    """Verify this service's audit chain (decision 7) and name the first broken record. Other
    services' chains are verified with their own command (`<service> audit verify`): their
    databases are theirs alone."""
    async with runtime.sessions() as session:
        report = await audit.verify(session)
    return ChainOut(
        service=runtime.settings.service_name,
        ok=report.ok,
        entries=report.entries,
        first_bad_seq=report.first_bad_seq,
        reason=report.reason,
        checked_at=now,
    )
