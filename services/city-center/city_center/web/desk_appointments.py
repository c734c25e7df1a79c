"""The window's appointments of a day (C5, A2): who is coming to the department's window, by
slot, with the name and phone the window checks; printable. The department's staff only (the
desk's people), and only their department's items: another department's item is refused. The
same domain functions as the JSON API's list of the day (`GET /api/v1/appointments`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import Query, Request, Response

from city_center.appointment import service as appointment_service
from city_center.appointment.dependencies import Now, require_window
from city_center.appointment.models import BOOKED
from city_center.catalog import service as catalog_service
from city_center.web import service as web_service
from city_center.web.common import DESK, PAGES, render, staff_of
from govnet_kit import pages, seasonal
from govnet_kit.db import transaction
from govnet_kit.web import get_runtime

router = PAGES.router()
ItemFilter = Annotated[str, Query(max_length=50, pattern=r"^[A-Za-z0-9-]*$")]


@router.get("/desk/appointments")
async def appointments_of_day(
    request: Request,
    now: Now,
    day: Annotated[date | None, Query()] = None,
    item: ItemFilter = "",
) -> Response:
    principal = await staff_of(request, DESK)
    day = day or seasonal.shanghai_day(now)
    async with transaction(get_runtime(request).sessions) as session:
        if item:
            found = await catalog_service.get_in_force(session, item)
            require_window(principal, found.department_code)
        rows = await appointment_service.of_day(
            session, day=day, department_code=principal.department_code, item_code=item or None
        )
        names = await web_service.department_items(session, principal.department_code)
        departments = await web_service.department_names(session)
    lang = pages.language(request)
    department = departments.get(principal.department_code, (principal.department_code,) * 2)
    return render(
        request,
        "desk_appointments.html",
        {
            "day": day,
            "day_words": seasonal.day_words(day, lang),
            "earlier": day - timedelta(days=1),
            "later": day + timedelta(days=1),
            "item": item,
            "items": names,
            "rows": [(a, names.get(a.item_code, (a.item_code,) * 2)) for a in rows],
            "booked": sum(1 for a in rows if a.status == BOOKED),
            "department": department[0] if lang == "zh" else department[1],
            "values": {"day": day.isoformat(), "item": item},
        },
        principal=principal,
    )
