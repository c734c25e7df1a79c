"""Seasonal items and appointments on the city's public pages (C5): how a seasonal item is
received and, for an appointment item, the free places of the coming days (on its catalog
page, public); then, for an applicant signed in with their mobile phone (decision 8, the same
sign-in as the online application), the booking of a slot, their own bookings and the
cancellation of one. The same domain functions and dependencies (clock, calendar) as the JSON
API (`city_center.appointment.router`), in one transaction per request; a refused booking is
said beside its field in both languages and stores nothing; nothing needs JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.appointment import service as appointment_service
from city_center.appointment.dependencies import Calendar, Now
from city_center.appointment.models import BOOKED
from city_center.catalog import service as catalog_service
from city_center.web import service as web_service
from city_center.web.applicant import APPLY_PAGES, applicant_of, nav
from city_center.web.common import ItemCode, flash
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import pages, seasonal
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError, NotFound
from govnet_kit.web import get_runtime
from govnet_kit.worktime import WorkCalendar

router = APPLY_PAGES.router()
# Days of slots shown at once, as the JSON API's default range.
RANGE_DAYS = 14
AppointmentId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
FromDay = Annotated[date | None, Query(alias="from")]
DONE = {
    "booked": (
        "预约成功。请按时携带材料到窗口办理，并出示预约号。",
        "Booked. Come to the window on time with your materials and give the reference.",
    ),
    "cancelled": ("预约已取消。", "The booking is cancelled."),
}


@dataclass(frozen=True)
class Reception:
    """What a page shows of a seasonal item: how it is received, its coming reception days,
    and for an appointment item the slots from `first` to `last` by day."""

    lines: list[tuple[str, str]]
    upcoming: list[str]
    appointment: bool
    first: date
    last: date
    days: list[tuple[str, list[appointment_service.SlotPlaces]]]
    next_day: str
    earlier: date | None
    later: date | None


def _first_day(asked: date | None, today: date) -> date:
    """The range asked for, kept between today and the last day a slot can be booked."""
    latest = today + timedelta(days=appointment_service.MAX_DAYS_AHEAD - RANGE_DAYS)
    return min(max(asked or today, today), latest)


async def reception(
    session: AsyncSession,
    item: catalog_pb2.CatalogItem,
    *,
    lang: str,
    asked: date | None,
    now: datetime,
    calendar: WorkCalendar,
) -> Reception | None:
    """None for an item received on every working day."""
    if seasonal.seasonal_of(item) is None:
        return None
    today = seasonal.shanghai_day(now)
    first = _first_day(asked, today)
    last = first + timedelta(days=RANGE_DAYS - 1)
    appointment = seasonal.is_appointment(item)
    days: list[tuple[str, list[appointment_service.SlotPlaces]]] = []
    next_day = ""
    if appointment:
        places = await appointment_service.slot_places(
            session, item=item, first=first, last=last, now=now, calendar=calendar
        )
        days = [
            (seasonal.day_words(day, lang), list(group))
            for day, group in groupby(places, key=lambda p: p.slot.day)
        ]
        if not places:
            upcoming = seasonal.next_reception_day(item, last, calendar)
            next_day = upcoming.isoformat() if upcoming else ""
    step = timedelta(days=RANGE_DAYS)
    return Reception(
        lines=seasonal.reception_lines(item, lang),
        upcoming=[
            seasonal.day_words(d, lang)
            for d in seasonal.upcoming_reception_days(item, today, calendar)
        ],
        appointment=appointment,
        first=first,
        last=last,
        days=days,
        next_day=next_day,
        earlier=max(first - step, today) if first > today else None,
        later=first + step if _first_day(first + step, today) > first else None,
    )


# -- booking ----------------------------------------------------------------------------------


async def _booking_form(
    request: Request,
    principal: Principal,
    code: str,
    *,
    asked: date | None,
    now: datetime,
    calendar: WorkCalendar,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lang = pages.language(request)
    async with transaction(get_runtime(request).sessions) as session:
        item = await catalog_service.get_in_force(session, code)
        appointment_service.require_appointment(item)
        found = await reception(session, item, lang=lang, asked=asked, now=now, calendar=calendar)
    return APPLY_PAGES.render(
        request,
        "appointment_form.html",
        {
            "nav": nav(request),
            "item": item,
            "r": found,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/appointments/new/{code}")
async def booking_form(
    request: Request, code: ItemCode, now: Now, calendar: Calendar, from_day: FromDay = None
) -> Response:
    """The free slots of the coming days, one to choose, and the applicant's name."""
    principal = await applicant_of(request)
    return await _booking_form(request, principal, code, asked=from_day, now=now, calendar=calendar)


def _booking_values(form: Any) -> tuple[dict[str, str], datetime | None, pages.FormErrors]:
    values = {k: str(form.get(k, "")).strip()[:120] for k in ("starts_at", "name", "phone")}
    errors = pages.FormErrors()
    starts_at = None
    try:
        starts_at = datetime.fromisoformat(values["starts_at"]) if values["starts_at"] else None
    except ValueError:
        pass
    if starts_at is None:
        errors.add("starts_at", "请选择一个时段", "choose a slot")
    if not values["name"]:
        errors.add("name", "请填写姓名", "enter your name")
    elif len(values["name"]) > 100:
        errors.add("name", "姓名过长（最多100字）", "at most 100 characters")
    return values, starts_at, errors


@router.post("/appointments/new/{code}")
async def book(
    request: Request, code: ItemCode, now: Now, calendar: Calendar, from_day: FromDay = None
) -> Response:
    """Book the chosen slot, then 303 to the applicant's bookings; a refusal (a full slot, a
    day the item is not received, a booking already held) beside its field, nothing stored."""
    principal = await applicant_of(request)
    form = await pages.form_data(request)
    values, starts_at, errors = _booking_values(form)
    if not errors:
        assert starts_at is not None
        try:
            async with transaction(get_runtime(request).sessions) as session:
                item = await catalog_service.get_in_force(session, code)
                person = appointment_service.applicant_person(
                    principal.subject, values["name"], values["phone"] or None
                )
                await appointment_service.book(
                    session,
                    item=item,
                    starts_at=starts_at,
                    person=person,
                    actor=principal.subject,
                    now=now,
                    calendar=calendar,
                )
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"item_code": ""})
            status = exc.http_status
        else:
            return APPLY_PAGES.redirect(request, "/appointments?done=booked")
    else:
        status = 422
    return await _booking_form(
        request,
        principal,
        code,
        asked=from_day,
        now=now,
        calendar=calendar,
        errors=errors,
        values=values,
        status_code=status,
    )


# -- the applicant's bookings -----------------------------------------------------------------


async def _mine(
    request: Request,
    principal: Principal,
    now: datetime,
    *,
    errors: pages.FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        rows = await appointment_service.of_applicant(session, subject=principal.subject)
        names = await web_service.item_names(session, {a.item_code for a in rows})
    return APPLY_PAGES.render(
        request,
        "appointments_mine.html",
        {
            "nav": nav(request),
            "rows": [
                (
                    a,
                    names.get(a.item_code, (a.item_code,) * 2),
                    a.status == BOOKED and a.starts_at > now,
                )
                for a in rows
            ],
            "flash": flash(request, DONE),
            "errors": errors or pages.FormErrors(),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/appointments")
async def mine(request: Request, now: Now) -> Response:
    """The signed-in applicant's bookings, including those a window made for them."""
    return await _mine(request, await applicant_of(request), now)


@router.post("/appointments/{appointment_id}/cancellation")
async def cancel(request: Request, appointment_id: AppointmentId, now: Now) -> Response:
    """Cancel one's own booking before its slot begins; someone else's is as if it did not
    exist."""
    principal = await applicant_of(request)
    await pages.form_data(request)
    try:
        async with transaction(get_runtime(request).sessions) as session:
            appointment = await appointment_service.get(session, appointment_id)
            if appointment.applicant_subject != principal.subject:
                raise NotFound("no such booking", message_zh="无此预约", field="id")
            await appointment_service.cancel(
                session, appointment=appointment, actor=principal.subject, now=now
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"id": ""})
        return await _mine(request, principal, now, errors=errors, status_code=exc.http_status)
    return APPLY_PAGES.redirect(request, "/appointments?done=cancelled")
