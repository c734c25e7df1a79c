"""The published appraisal (S2): per quarter or year and per unit, as the JSON API and its CSV
give it. Public on purpose: the plan has appraisal results published."""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response

from city_center.appraisal import service as appraisal_service
from city_center.supervision.dependencies import clock
from city_center.web.common import PAGES, pick, public_nav
from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.web import get_runtime
from govnet_kit.worktime import SHANGHAI

router = PAGES.router()
UNITS = {
    "department": ("部门", "departments"),
    "window": ("窗口", "windows"),
    "staff": ("工作人员", "staff"),
    "town": ("乡镇便民服务中心", "township halls"),
    "village": ("村便民服务室", "village rooms"),
}


def this_quarter() -> str:
    today = clock().astimezone(SHANGHAI)
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


@router.get("/appraisal")
async def appraisal(
    request: Request,
    period: str = "",
    unit: Literal["department", "window", "staff", "town", "village"] = "department",
) -> Response:
    lang = pages.language(request)
    period = period.strip().upper()[:10] or this_quarter()
    report, errors = None, pages.FormErrors()
    try:
        within = appraisal_service.period(period)
        async with transaction(get_runtime(request).sessions) as session:
            report = await appraisal_service.appraise(session, unit=unit, within=within)
    except InvalidArgument as exc:
        errors = pages.FormErrors.from_domain(exc)
    return PAGES.render(
        request,
        "appraisal.html",
        {
            "nav": public_nav(request),
            "report": report,
            "units": [(k, pick(lang, *v)) for k, v in UNITS.items()],
            "errors": errors,
            "values": {"period": period, "unit": unit},
        },
        status_code=422 if errors else 200,
    )
