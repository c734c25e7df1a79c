"""Appointments (C5): free slots (public), bookings by applicants or for a caller at the window,
the applicant's own bookings, cancellation, and the window's list of the day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from city_center.appointment import service as appointment_service
from city_center.appointment.dependencies import (
    Calendar,
    Now,
    actor,
    is_applicant,
    require_applicant,
    require_window,
)
from city_center.appointment.models import Appointment
from city_center.appointment.schemas import (
    AppointmentOut,
    BookingIn,
    ItemCode,
    SlotOut,
    SlotsOut,
    WindowAppointmentOut,
)
from city_center.catalog import service as catalog_service
from govnet_kit import appointments as book_rules
from govnet_kit import seasonal
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument, NotFound
from govnet_kit.web import CurrentPrincipal, CurrentRuntime

router = APIRouter(prefix="/api/v1/appointments", tags=["appointments"])


def _out(a: Appointment) -> AppointmentOut:
    return AppointmentOut.model_validate(a, from_attributes=True)


@router.get("/slots", response_model=SlotsOut)
async def free_slots(
    runtime: CurrentRuntime,
    now: Now,
    calendar: Calendar,
    item_code: Annotated[ItemCode, Query()],
    from_day: Annotated[date | None, Query(alias="from", description="default: today")] = None,
    to_day: Annotated[date | None, Query(alias="to", description="default: 13 days on")] = None,
) -> SlotsOut:
    """Public: the item's slots not yet begun, with their free places (at most 31 days)."""
    first, last = book_rules.asked_range(now, from_day, to_day)
    async with transaction(runtime.sessions) as session:
        item = await catalog_service.get_in_force(session, item_code)
        places = await appointment_service.slot_places(
            session, item=item, first=first, last=last, now=now, calendar=calendar
        )
    return SlotsOut(
        item_code=item.code,
        item_version=item.version,
        from_day=first,
        to_day=last,
        slots=[SlotOut.of(p) for p in places],
        next_reception_day=None if places else seasonal.next_reception_day(item, last, calendar),
        note_zh=item.seasonal.note_zh,
        note_en=item.seasonal.note_en,
    )


@router.post("", response_model=AppointmentOut, status_code=201)
async def book(
    body: BookingIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    now: Now,
    calendar: Calendar,
) -> AppointmentOut:
    """An applicant books for themselves; city staff of the item's department book for a
    caller, giving the caller's name and phone."""
    async with transaction(runtime.sessions) as session:
        item = await catalog_service.get_in_force(session, body.item_code)
        if is_applicant(principal):
            person = appointment_service.applicant_person(principal.subject, body.name, body.phone)
        else:
            require_window(principal, item.department_code)
            if not body.phone:
                raise InvalidArgument(
                    "give the caller's phone", message_zh="请填写来电人手机号", field="phone"
                )
            phone = appointment_service.normalise_phone(body.phone)
            person = appointment_service.Person(
                appointment_service.applicant_subject(phone), body.name, phone
            )
        appointment = await appointment_service.book(
            session,
            item=item,
            starts_at=body.starts_at,
            person=person,
            actor=actor(principal),
            now=now,
            calendar=calendar,
        )
    return _out(appointment)


@router.get("/mine", response_model=list[AppointmentOut])
async def my_appointments(
    principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[AppointmentOut]:
    """The signed-in applicant's bookings, including those a window made for them."""
    require_applicant(principal)
    async with transaction(runtime.sessions) as session:
        rows = await appointment_service.of_applicant(session, subject=principal.subject)
    return [_out(a) for a in rows]


@router.delete("/{appointment_id}", response_model=AppointmentOut)
async def cancel(
    appointment_id: Annotated[str, Path(max_length=36)],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    now: Now,
) -> AppointmentOut:
    """Cancel before the slot begins: by the applicant who holds it, or the item's window."""
    async with transaction(runtime.sessions) as session:
        appointment = await appointment_service.get(session, appointment_id)
        if is_applicant(principal):
            if appointment.applicant_subject != principal.subject:
                # Someone else's booking: as if it did not exist.
                raise NotFound("no such booking", message_zh="无此预约", field="id")
        else:
            require_window(principal, appointment.department_code)
        appointment = await appointment_service.cancel(
            session, appointment=appointment, actor=actor(principal), now=now
        )
    return _out(appointment)


@router.get("", response_model=list[WindowAppointmentOut])
async def appointments_of_day(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    day: Annotated[date, Query()],
    item_code: Annotated[ItemCode | None, Query()] = None,
) -> list[WindowAppointmentOut]:
    """The window's list of the day: its department's items; the center's own staff (no
    department) see every department's."""
    principal.require_staff(tier="city")
    async with transaction(runtime.sessions) as session:
        if item_code:
            item = await catalog_service.get_in_force(session, item_code)
            require_window(principal, item.department_code)
        rows = await appointment_service.of_day(
            session,
            day=day,
            department_code=principal.department_code or None,
            item_code=item_code,
        )
    return [WindowAppointmentOut.model_validate(a, from_attributes=True) for a in rows]
