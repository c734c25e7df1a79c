"""The township's appointment book over HTTP (C5), for its window staff: the free places of an
appointment item's slots, booking for an applicant who phones or walks in, the day's list,
cancellation with a reason, and the arrival. Only town staff of the township in the path (A2)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from govnet_kit import appointments as book_rules
from govnet_kit import seasonal
from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from town_hall.appointment import service
from town_hall.appointment.dependencies import Calendar, Now
from town_hall.appointment.models import TownAppointment
from town_hall.appointment.schemas import (
    BookingIn,
    CancellationIn,
    ItemCode,
    SlotOut,
    SlotsOut,
    TownAppointmentOut,
)
from town_hall.notice.service import require_township_code

router = APIRouter(prefix="/api/v1/townships/{place_code}/appointments", tags=["appointments"])
PlaceCode = Annotated[str, Path(pattern=r"^\d{12}$", description="the township's division code")]
AppointmentId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]


def appointment_out(a: TownAppointment) -> TownAppointmentOut:
    return TownAppointmentOut.model_validate(a, from_attributes=True)


@router.get("/slots", response_model=SlotsOut)
async def free_slots(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    now: Now,
    calendar: Calendar,
    item_code: Annotated[ItemCode, Query()],
    from_day: Annotated[date | None, Query(alias="from", description="default: today")] = None,
    to_day: Annotated[date | None, Query(alias="to", description="default: 13 days on")] = None,
) -> SlotsOut:
    """The item's slots at this township not yet begun, with their free places (<= 31 days)."""
    service.require_window(principal, require_township_code(place_code))
    first, last = book_rules.asked_range(now, from_day, to_day)
    async with transaction(runtime.sessions) as session:
        item = await service.item_here(session, item_code)
        places = await service.slot_places(
            session,
            township_code=place_code,
            item=item,
            first=first,
            last=last,
            now=now,
            calendar=calendar,
        )
    return SlotsOut(
        township_code=place_code,
        item_code=item.code,
        item_version=item.version,
        slots=[SlotOut.of(p) for p in places],
        next_reception_day=None if places else seasonal.next_reception_day(item, last, calendar),
    )


@router.post("", response_model=TownAppointmentOut, status_code=201)
async def book(
    place_code: PlaceCode,
    body: BookingIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    now: Now,
    calendar: Calendar,
) -> TownAppointmentOut:
    """Book one place for an applicant who phones or walks in (name and mobile number)."""
    service.require_window(principal, require_township_code(place_code))
    async with transaction(runtime.sessions) as session:
        item = await service.item_here(session, body.item_code)
        appointment = await service.book(
            session,
            township_code=place_code,
            staff=principal,
            item=item,
            starts_at=body.starts_at,
            name=body.name,
            phone=body.phone,
            now=now,
            calendar=calendar,
        )
        return appointment_out(appointment)


@router.get("", response_model=list[TownAppointmentOut])
async def appointments_of_day(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    day: Annotated[date, Query()],
    item_code: Annotated[ItemCode | None, Query()] = None,
) -> list[TownAppointmentOut]:
    """The window's list of the day, by slot: who is coming, who came, who cancelled."""
    service.require_window(principal, require_township_code(place_code))
    async with transaction(runtime.sessions) as session:
        rows = await service.of_day(session, township_code=place_code, day=day, item_code=item_code)
        return [appointment_out(a) for a in rows]


@router.post("/{appointment_id}/cancellation", response_model=TownAppointmentOut)
async def cancel(
    place_code: PlaceCode,
    appointment_id: AppointmentId,
    body: CancellationIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    now: Now,
) -> TownAppointmentOut:
    """Before the slot begins, with the reason on record."""
    service.require_window(principal, require_township_code(place_code))
    async with transaction(runtime.sessions) as session:
        appointment = await service.get(
            session, township_code=place_code, appointment_id=appointment_id
        )
        appointment = await service.cancel(
            session, appointment=appointment, staff=principal, reason=body.reason, now=now
        )
        return appointment_out(appointment)


@router.post("/{appointment_id}/arrival", response_model=TownAppointmentOut)
async def arrived(
    place_code: PlaceCode,
    appointment_id: AppointmentId,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    now: Now,
) -> TownAppointmentOut:
    """The applicant is here, on the slot's day; the window then accepts the case (walk-in)."""
    service.require_window(principal, require_township_code(place_code))
    async with transaction(runtime.sessions) as session:
        appointment = await service.get(
            session, township_code=place_code, appointment_id=appointment_id
        )
        appointment = await service.mark_arrived(
            session, appointment=appointment, staff=principal, now=now
        )
        return appointment_out(appointment)
