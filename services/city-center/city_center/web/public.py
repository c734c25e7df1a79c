"""The city's public pages (C2): the catalog, searched and browsed, and each item's seven
disclosures, in Chinese or English, with a seasonal item's reception days and free slots
(C5). No sign-in; the same domain functions as the public JSON APIs
(`city_center.catalog.router`, `city_center.appointment.router`); nothing needs JavaScript."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response

from city_center.appointment.dependencies import Calendar, Now
from city_center.catalog import disclosure
from city_center.catalog import service as catalog_service
from city_center.catalog.models import PUBLISHED
from city_center.web import appointments
from city_center.web.common import PAGES, ItemCode, public_nav
from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.web import get_runtime

router = PAGES.router()
PAGE_SIZE = 20
TIERS = {
    "city": ("市级", "city"),
    "town": ("乡镇", "township"),
    "village": ("村（代办）", "village (agency)"),
}


@router.get("/")
async def home(request: Request) -> Response:
    return PAGES.redirect(request, "/catalog")


@router.get("/catalog")
async def catalog(
    request: Request,
    q: Annotated[str, Query(max_length=100)] = "",
    tier: Literal["", "city", "town", "village"] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    """The items in force: a keyword in the code or either name, and where they are accepted."""
    criteria = catalog_service.Search(
        tier=tier or None,
        q=q.strip() or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    async with transaction(get_runtime(request).sessions) as session:
        items, total = await catalog_service.search(session, criteria)
    lang = pages.language(request)
    return PAGES.render(
        request,
        "catalog.html",
        {
            "nav": public_nav(request),
            "items": items,
            "total": total,
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            "values": {"q": q, "tier": tier},
            "tiers": [("", "全部" if lang == "zh" else "all")]
            + [(k, v[0] if lang == "zh" else v[1]) for k, v in TIERS.items()],
        },
    )


@router.get("/catalog/{code}")
async def item(
    request: Request,
    code: ItemCode,
    now: Now,
    calendar: Calendar,
    version: Annotated[int | None, Query(ge=1)] = None,
    from_day: appointments.FromDay = None,
) -> Response:
    """The seven disclosures and the double default, in the reader's language (C2, L5); for
    a seasonal item in force, its reception days and free appointment slots (C5)."""
    lang = pages.language(request)
    async with transaction(get_runtime(request).sessions) as session:
        found, status = await catalog_service.get_published(session, code, version)
        reception = None
        if status == PUBLISHED:
            reception = await appointments.reception(
                session, found, lang=lang, asked=from_day, now=now, calendar=calendar
            )
    return PAGES.render(
        request,
        "item.html",
        {
            "nav": public_nav(request),
            "d": disclosure.disclose(found, lang),
            "status": status,
            "r": reception,
        },
    )
