"""The township's seasonal items (C5), from the hall's copy of the city's catalog (decision 3,
so the page works offline): how and when each is received, whether today is a reception day
and the coming ones. Public per township (beside its notices), and the same list for the
window staff from their menu.

An appointment item links the window staff to the hall's own appointment book
(/window/appointments, town_hall.appointment) and tells the public to book at the hall's window
or by phone."""

from __future__ import annotations

from fastapi import Request, Response

from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.web import get_runtime
from town_hall.notice import service as notice_service
from town_hall.web import service as web_service
from town_hall.web.common import PAGES, PlaceCode
from town_hall.web.console import calendar

router = PAGES.router()


async def _page(request: Request, place_code: str, **kw) -> Response:  # type: ignore[no-untyped-def]
    lang = pages.language(request)
    async with transaction(get_runtime(request).sessions) as session:
        rows = await web_service.seasonal_items(session, lang=lang, calendar=calendar(request))
    return PAGES.render(request, "seasonal.html", {"place_code": place_code, "rows": rows}, **kw)


@router.get("/townships/{place_code}/seasonal")
async def public_list(request: Request, place_code: PlaceCode) -> Response:
    """Public on purpose, as the hall's notices are."""
    notice_service.require_township_code(place_code)
    return await _page(request, place_code)


@router.get("/window/seasonal")
async def window_list(request: Request) -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="town")
    return await _page(request, principal.place_code, principal=principal)
