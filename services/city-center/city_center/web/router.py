"""The city's public pages (issue 8): the catalog, searched and browsed, and each item's seven
disclosures, in Chinese or English. No sign-in; the same domain functions as the public
JSON API (`city_center.catalog.router`); nothing needs JavaScript."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Request, Response

from city_center.catalog import disclosure
from city_center.catalog import service as catalog_service
from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.web import get_runtime

PAGES = pages.Pages(
    "city_center.web",
    site_zh="市行政服务中心",
    site_en="City administrative service center",
)
router = PAGES.router()
router.include_router(pages.assets_router())
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
    code: Annotated[str, Path(max_length=50, pattern=r"^[A-Za-z0-9-]+$")],
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The seven disclosures and the double default, in the reader's language (C2, L5)."""
    async with transaction(get_runtime(request).sessions) as session:
        found, status = await catalog_service.get_published(session, code, version)
    return PAGES.render(
        request,
        "item.html",
        {"d": disclosure.disclose(found, pages.language(request)), "status": status},
    )
