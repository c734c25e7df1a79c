"""A case's fee at the village window (C6, "one window collects"): the duty staff assess the
units counted, take cash or card, or waive the fee with a reason, and print the receipt.

The kit's fee pages (govnet_kit.fee_pages), the same as the township hall's, over the village's
fee domain (fee/service.py, as the JSON API in fee/router.py) and its case page."""

from __future__ import annotations

from govnet_kit import fee_pages
from village_room.fee import service as fee_service
from village_room.web.cases import render_case, staff_case
from village_room.web.common import PAGES, village_staff

router = fee_pages.fee_routes(
    PAGES,
    prefix="/duty",
    staff=village_staff,
    load_case=staff_case,
    render_case=render_case,
    domain=fee_service,
    home=("/duty", "返回今日值班", "Back to today"),
)
