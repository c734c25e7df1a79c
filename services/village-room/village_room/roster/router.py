"""The duty roster's HTTP API, for the room's own village staff."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.room.dependencies import PlaceCode, calendar_of, require_village_staff
from village_room.roster import service
from village_room.roster.schemas import (
    CollectiveDayIn,
    CollectiveDayOut,
    CoverageOut,
    DayIn,
    DutyDayOut,
    GapOut,
    MemberIn,
    MemberOut,
    RotationIn,
)

router = APIRouter(prefix="/api/v1/rooms/{place_code}/roster", tags=["duty roster"])

StaffIdPath = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[\w:.-]+$")]
Month = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
From = Annotated[date, Query(alias="from", description="first day, YYYY-MM-DD")]
To = Annotated[date, Query(alias="to", description="last day, YYYY-MM-DD")]


@router.put("/members/{staff_id}", response_model=MemberOut)
async def put_member(
    place_code: PlaceCode,
    staff_id: StaffIdPath,
    body: MemberIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> MemberOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        member = await service.put_member(
            session,
            place_code=place_code,
            staff_id=staff_id,
            actor=principal.subject,
            **body.model_dump(),
        )
    return MemberOut.model_validate(member)


@router.get("/members", response_model=list[MemberOut])
async def list_members(
    place_code: PlaceCode, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[MemberOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.members(session, place_code=place_code)
    return [MemberOut.model_validate(m) for m in rows]


@router.put("/days/{day}", status_code=204)
async def set_day(
    place_code: PlaceCode,
    day: date,
    body: DayIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> None:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        await service.set_day(
            session,
            place_code=place_code,
            day=day,
            staff_ids=body.staff_ids,
            actor=principal.subject,
        )


@router.post("/rotation", response_model=list[DutyDayOut])
async def rotate(
    place_code: PlaceCode, body: RotationIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[DutyDayOut]:
    """Members take turns over the working days from..to (what was there is replaced)."""
    require_village_staff(principal, place_code)
    calendar = calendar_of(runtime)
    async with transaction(runtime.sessions) as session:
        await service.rotate(
            session,
            place_code=place_code,
            start=body.from_,
            end=body.to,
            staff_ids=body.staff_ids,
            per_day=body.per_day,
            calendar=calendar,
            actor=principal.subject,
        )
        duty = await service.on_duty(session, place_code=place_code, start=body.from_, end=body.to)
    return _days_out(body.from_, body.to, duty, calendar)


@router.get("", response_model=list[DutyDayOut])
async def roster(
    place_code: PlaceCode,
    start: From,
    end: To,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> list[DutyDayOut]:
    require_village_staff(principal, place_code)
    service.check_range(start, end)
    async with transaction(runtime.sessions) as session:
        duty = await service.on_duty(session, place_code=place_code, start=start, end=end)
    return _days_out(start, end, duty, calendar_of(runtime))


def _days_out(start, end, duty, calendar) -> list[DutyDayOut]:  # type: ignore[no-untyped-def]
    out = []
    day = start
    while day <= end:
        out.append(
            DutyDayOut(
                day=day,
                working_day=calendar.is_working_day(day),
                staff_ids=[m.staff_id for m in duty.get(day, [])],
            )
        )
        day += timedelta(days=1)
    return out


@router.put("/collective-office-days/{month}", response_model=CollectiveDayOut)
async def set_collective_day(
    place_code: PlaceCode,
    month: Month,
    body: CollectiveDayIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> CollectiveDayOut:
    """The month's collective office day: a working day of that month."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.set_collective_day(
            session,
            place_code=place_code,
            month=month,
            day=body.day,
            calendar=calendar_of(runtime),
            actor=principal.subject,
        )
    return CollectiveDayOut(month=row.month, day=row.day)


@router.get("/coverage", response_model=CoverageOut, response_model_by_alias=True)
async def coverage(
    place_code: PlaceCode,
    start: From,
    end: To,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> CoverageOut:
    """Every working day without anyone on duty (make-up workdays count, holidays do not)."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        result = await service.coverage(
            session,
            place_code=place_code,
            start=start,
            end=end,
            calendar=calendar_of(runtime),
            confirmed_years=runtime.settings.confirmed_calendar_years,
        )
    return CoverageOut(
        place_code=place_code,
        from_=start,
        to=end,
        working_days=result.working_days,
        covered=result.covered,
        gaps=[
            GapOut(day=d, weekday=d.isoweekday(), make_up_workday=d.isoweekday() >= 6)
            for d in result.gaps
        ],
        months_without_collective_office_day=result.months_without_collective_day,
        collective_office_days=[
            CollectiveDayOut(month=c.month, day=c.day) for c in result.collective_days
        ],
        warning=result.warning,
        calendar_warning=result.calendar_warning,
    )
