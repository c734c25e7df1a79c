"""The window inbox: every case of the township, from its villages and its own window, with
its clock, by window; the sign-in relayed to identity (the kit's form)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from govnet_kit import pages
from govnet_kit.db import transaction, utcnow
from govnet_kit.web import get_runtime
from govnet_kit.worktime import WorkCalendar
from town_hall.case import service as case_service
from town_hall.case import windows
from town_hall.web import service as web_service
from town_hall.web.common import HANDLING, PAGES, status_label

router = PAGES.router()
router.include_router(PAGES.sign_in_router(home="/window"))


def calendar(request: Request) -> WorkCalendar:
    return WorkCalendar(confirmed_years=get_runtime(request).settings.confirmed_calendar_years)


@router.get("/")
async def home(request: Request) -> Response:
    return PAGES.redirect(request, "/window")


@router.get("/window")
async def inbox(request: Request, window: Annotated[str, Query(max_length=50)] = "") -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="town")
    async with transaction(get_runtime(request).sessions) as session:
        layout = await windows.layout(session, principal.place_code)
        cases = await case_service.list_cases(
            session, township_code=principal.place_code, window_code=window or None
        )
    lang = pages.language(request)
    now, cal = utcnow(), calendar(request)
    names = {w.code: (w.name_zh if lang == "zh" else w.name_en) for w in layout}
    rows = [
        {
            "case": c,
            "status": status_label(c.status, lang),
            "clock": web_service.clock(c, cal, now),
            "window": names.get(c.window_code, c.window_code),
            "handling": HANDLING.get(c.handling, (c.handling, c.handling))[lang != "zh"],
        }
        for c in cases
    ]
    # Overdue first, then by deadline (the list comes ordered by deadline).
    order = {"overdue": 0, "due_today": 1, "running": 2, "suspended": 3, "stopped": 4}
    rows.sort(key=lambda r: order[r["clock"].kind])
    return PAGES.render(
        request,
        "inbox.html",
        {"rows": rows, "windows": names, "window": window},
        principal=principal,
    )


@router.get("/window/cases")
async def open_case(
    request: Request, number: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    await PAGES.staff(request)
    number = number.strip()
    return PAGES.redirect(request, f"/window/cases/{number}" if number else "/window")
