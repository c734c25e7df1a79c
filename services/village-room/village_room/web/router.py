"""The village's pages (issue 8): the duty console (a case's fee and its receipt among them),
the room's records (civil mediation, welfare collections, one matter one discussion) and the
public case look-up, served by the village service itself. Every handler calls the same domain
functions as the JSON API inside one transaction and answers with a page or a 303 to the next
one; nothing needs JavaScript."""

from __future__ import annotations

from fastapi import APIRouter

from govnet_kit import pages
from village_room.web import (
    apply,
    cases,
    console,
    fees,
    mediation,
    meetings,
    proposals,
    public,
    welfare,
)

router = APIRouter(include_in_schema=False)
router.include_router(pages.assets_router())
for part in (console, apply, cases, fees, mediation, welfare, proposals, meetings, public):
    router.include_router(part.router)
