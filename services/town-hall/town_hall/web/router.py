"""The township hall's pages (issue 8), served by the town-hall service itself: the window
inbox and a case's steps for its staff, the public notices and report box per township. Every
handler calls the same domain functions as the JSON API inside one transaction and answers
with a page or a 303 to the next one; nothing needs JavaScript."""

from __future__ import annotations

from fastapi import APIRouter

from govnet_kit import pages
from town_hall.web import appointments, cases, console, fees, public, staff, walkin
from town_hall.web import seasonal as seasonal_pages

router = APIRouter(include_in_schema=False)
router.include_router(pages.assets_router())
for part in (console, walkin, cases, fees, appointments, staff, public):
    router.include_router(part.router)
router.include_router(seasonal_pages.router)  # the township's seasonal items (C5)
