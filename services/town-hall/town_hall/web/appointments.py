"""The township's appointment book at its window (C5): the day's list with cancel (with a
reason) and arrival, and the booking form with each slot's free places for an applicant who
phones or walks in. The same domain functions as the JSON API (appointment/router.py), one
transaction each; post/redirect forms, nothing needs JavaScript. Once the applicant has
arrived, the row links to the walk-in form of the item: the case is accepted the usual way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Path, Query, Request, Response
from pydantic import ValidationError

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import pages, seasonal
from govnet_kit.appointments import SlotPlaces
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError, NotFound, PermissionDenied
from govnet_kit.web import get_runtime
from town_hall.appointment import service
from town_hall.appointment.dependencies import Calendar, Now
from town_hall.appointment.schemas import BookingIn, CancellationIn
from town_hall.web.common import PAGES

router = PAGES.router()
AppointmentId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
RANGE_DAYS = 14
BOOK_FIELDS = ("item_code", "starts_at", "name", "phone")
STATUS = {
    "booked": ("已预约", "booked"),
    "arrived": ("已到场", "arrived"),
    "cancelled": ("已取消", "cancelled"),
}
DONE = {
    "booked": ("已预约，预约号 {ref}。", "Booked: reference {ref}."),
    "cancelled": ("预约已取消，名额已释放。", "Cancelled; the place is free again."),
    "arrived": ("已登记到场，请为申请人受理。", "Arrival recorded; accept the applicant's case."),
}


@dataclass(frozen=True)
class View:
    """What the page shows besides the form: the day, the items, the chosen item's slots."""

    day: date
    item: catalog_pb2.CatalogItem | None
    items: list[catalog_pb2.CatalogItem]
    days: list[tuple[str, list[SlotPlaces]]]
    next_day: str  # when the next two weeks have no slot: the next reception day, in words


def _day(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        return today


def _name(item: catalog_pb2.CatalogItem, lang: str) -> str:
    return item.name_zh if lang == "zh" else item.name_en


async def _page(
    request: Request,
    principal: Principal,
    *,
    now: datetime,
    calendar: Calendar,
    day: str = "",
    item_code: str = "",
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    row_error: tuple[str, tuple[str, str]] | None = None,
) -> Response:
    service.require_window(principal, principal.place_code)
    lang = pages.language(request)
    today = seasonal.shanghai_day(now)
    shown = _day(day, today)
    async with transaction(get_runtime(request).sessions) as session:
        items = await service.appointment_items(session)
        item = next((i for i in items if i.code == item_code), items[0] if items else None)
        places: list[SlotPlaces] = []
        if item is not None:
            places = await service.slot_places(
                session,
                township_code=principal.place_code,
                item=item,
                first=today,
                last=today + timedelta(days=RANGE_DAYS - 1),
                now=now,
                calendar=calendar,
            )
        rows = await service.of_day(session, township_code=principal.place_code, day=shown)
    names = {i.code: _name(i, lang) for i in items}
    grouped: dict[date, list[SlotPlaces]] = {}
    for p in places:
        grouped.setdefault(p.slot.day, []).append(p)
    upcoming = None
    if item is not None and not places:
        upcoming = seasonal.next_reception_day(item, today + timedelta(RANGE_DAYS - 1), calendar)
    done = request.query_params.get("done", "")
    flash = DONE.get(done, ("", ""))[lang != "zh"].format(ref=request.query_params.get("ref", ""))
    view = View(
        day=shown,
        item=item,
        items=items,
        days=[(seasonal.day_words(d, lang), ps) for d, ps in grouped.items()],
        next_day=seasonal.day_words(upcoming, lang) if upcoming else "",
    )
    return PAGES.render(
        request,
        "appointments.html",
        {
            "view": view,
            "names": names,
            "rows": rows,
            "status": {k: zh if lang == "zh" else en for k, (zh, en) in STATUS.items()},
            "day_words": seasonal.day_words(shown, lang),
            "prev_day": (shown - timedelta(days=1)).isoformat(),
            "next_day": (shown + timedelta(days=1)).isoformat(),
            "today": today,
            "flash": flash,
            "errors": errors or pages.FormErrors(),
            "values": {"item_code": item.code if item else "", **(values or {})},
            "row_error": row_error,
        },
        status_code=422 if errors or row_error else 200,
        principal=principal,
    )


def _back(day: date | str, item_code: str, done: str, **extra: str) -> str:
    query = {"day": str(day), "item": item_code, "done": done, **extra}
    return "/window/appointments?" + urlencode(query)


@router.get("/window/appointments")
async def day_list(
    request: Request,
    now: Now,
    calendar: Calendar,
    day: Annotated[str, Query(max_length=10)] = "",
    item: Annotated[str, Query(max_length=50)] = "",
) -> Response:
    principal = await PAGES.staff(request)
    return await _page(request, principal, now=now, calendar=calendar, day=day, item_code=item)


@router.post("/window/appointments")
async def book(request: Request, now: Now, calendar: Calendar) -> Response:
    principal = await PAGES.staff(request)
    service.require_window(principal, principal.place_code)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:100] for k in BOOK_FIELDS}
    again = dict(now=now, calendar=calendar, item_code=values["item_code"], values=values)
    try:
        body = BookingIn(**values)
        async with transaction(get_runtime(request).sessions) as session:
            item = await service.item_here(session, body.item_code)
            appointment = await service.book(
                session,
                township_code=principal.place_code,
                staff=principal,
                item=item,
                starts_at=body.starts_at,
                name=body.name,
                phone=body.phone,
                now=now,
                calendar=calendar,
            )
            day, code, ref = appointment.day, appointment.item_code, appointment.reference
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
        if "starts_at" in errors.by_field:  # no slot chosen, or not a time
            errors.by_field["starts_at"] = ("请选择预约时段", "choose a slot")
        return await _page(request, principal, errors=errors, **again)  # type: ignore[arg-type]
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "starts_at", "id": "starts_at"})
        return await _page(request, principal, errors=errors, **again)  # type: ignore[arg-type]
    return PAGES.redirect(request, _back(day, code, "booked", ref=ref))


async def _act(
    request: Request, now: Now, calendar: Calendar, appointment_id: str, act
) -> Response:  # type: ignore[no-untyped-def]
    """Cancel or arrival: back to the booking's day, or the day again with the refusal in the
    booking's row."""
    principal = await PAGES.staff(request)
    service.require_window(principal, principal.place_code)
    form = await pages.form_data(request)
    day = str(form.get("day", ""))[:10]
    try:
        async with transaction(get_runtime(request).sessions) as session:
            appointment = await service.get(
                session, township_code=principal.place_code, appointment_id=appointment_id
            )
            done = await act(session, appointment, principal, form)
            day, code = appointment.day.isoformat(), appointment.item_code
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise  # the error page: not this township's booking, or not this staff's place
        if isinstance(exc, ValidationError):
            message = ("请填写取消原因", "give the reason for cancelling")
        else:
            message = (exc.message_zh, exc.message)
        return await _page(
            request,
            principal,
            now=now,
            calendar=calendar,
            day=day,
            row_error=(appointment_id, message),
        )
    return PAGES.redirect(request, _back(day, code, done))


@router.post("/window/appointments/{appointment_id}/cancellation")
async def cancel(
    request: Request, now: Now, calendar: Calendar, appointment_id: AppointmentId
) -> Response:
    async def act(session, appointment, principal, form):  # type: ignore[no-untyped-def]
        body = CancellationIn(reason=str(form.get("reason", ""))[:200])
        await service.cancel(
            session, appointment=appointment, staff=principal, reason=body.reason, now=now
        )
        return "cancelled"

    return await _act(request, now, calendar, appointment_id, act)


@router.post("/window/appointments/{appointment_id}/arrival")
async def arrival(
    request: Request, now: Now, calendar: Calendar, appointment_id: AppointmentId
) -> Response:
    async def act(session, appointment, principal, form):  # type: ignore[no-untyped-def]
        await service.mark_arrived(session, appointment=appointment, staff=principal, now=now)
        return "arrived"

    return await _act(request, now, calendar, appointment_id, act)
