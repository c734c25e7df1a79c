"""A walk-in case's fee at the township window (C6, "one window collects"): the window staff
assess the units counted, take cash or card, or waive the fee with a reason, and print the
receipt on A4 with the case number as text and QR code.

The kit's fee pages (govnet_kit.fee_pages), the same as the village room's, over the hall's fee
domain (fee/service.py, as the JSON API in fee/router.py) and its case page."""

from __future__ import annotations

from fastapi import Request

from govnet_kit import fee_pages
from govnet_kit.auth import Principal
from town_hall.fee import service as fee_service
from town_hall.web.cases import case_of, render_case
from town_hall.web.common import PAGES


async def town_staff(request: Request) -> Principal:
    """The signed-in staff of a township hall (their place is checked against the case's)."""
    principal = await PAGES.staff(request)
    principal.require_staff(tier="town")
    return principal


router = fee_pages.fee_routes(
    PAGES,
    prefix="/window",
    staff=town_staff,
    load_case=case_of,
    render_case=render_case,
    domain=fee_service,
    home=("/window", "返回窗口收件", "Back to the inbox"),
)
