"""The city center's pages (issue 8), served by the city service itself: the public catalog,
appraisal and complaint form; the chief representative's desk; the e-supervision dashboard;
the administrator's console, with the places register and the staff accounts it relays to
identity. Every handler calls the same domain functions as the JSON API inside one transaction
and answers with a page or a 303 to the next one; nothing needs JavaScript."""

from __future__ import annotations

from fastapi import APIRouter

from city_center.web import (
    accounts,
    appraisal,
    calendar,
    complaints,
    console,
    delegations,
    desk,
    desk_appointments,
    desk_hand_over,
    lookup,
    places,
    public,
    staff,
)
from city_center.web import apply as apply_pages
from city_center.web import appointments as appointment_pages
from city_center.web import supervision as supervision_pages
from govnet_kit import pages

router = APIRouter(include_in_schema=False)
router.include_router(pages.assets_router())
router.include_router(lookup.router)
for part in (
    public,
    complaints,
    appraisal,
    staff,
    desk,
    supervision_pages,
    console,
    calendar,
    places,
    accounts,
    delegations,
):
    router.include_router(part.router)
router.include_router(apply_pages.router)  # the applicant's online application (T1)
router.include_router(appointment_pages.router)  # seasonal items' slots, booked (C5)
router.include_router(desk_appointments.router)  # the window's appointments of a day (C5)
router.include_router(desk_hand_over.router)  # online cases' results handed over (T1, L4)
