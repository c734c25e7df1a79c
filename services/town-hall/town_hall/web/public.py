"""The hall's public pages, per township (public on purpose): its notices, and the report box
whose receipt gives the number and follow-up code once."""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import ValidationError

from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from town_hall.case import windows
from town_hall.notice import service as notice_service
from town_hall.notice.models import KINDS
from town_hall.report import service as report_service
from town_hall.report.schemas import ReportIn
from town_hall.web.common import PAGES, PlaceCode

router = PAGES.router()
REPORT_FIELDS = ("kind", "content", "case_number", "window_code", "person", "contact")


@router.get("/townships/{place_code}/notices")
async def notices(request: Request, place_code: PlaceCode) -> Response:
    notice_service.require_township_code(place_code)
    async with transaction(get_runtime(request).sessions) as session:
        rows = await notice_service.in_force(session, place_code)
    groups = [(k, zh, en, [n for n in rows if n.kind == k]) for k, zh, en in KINDS]
    return PAGES.render(
        request,
        "notices.html",
        {"place_code": place_code, "groups": [g for g in groups if g[3]]},
    )


async def _report_form(
    request: Request,
    place_code: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        layout = await windows.layout(session, place_code)
    lang = pages.language(request)
    return PAGES.render(
        request,
        "report.html",
        {
            "place_code": place_code,
            "windows": [("", "")]
            + [(w.code, w.name_zh if lang == "zh" else w.name_en) for w in layout],
            "errors": errors or pages.FormErrors(),
            "values": values or {"kind": "complaint"},
        },
        status_code=422 if errors else 200,
    )


@router.get("/townships/{place_code}/report")
async def report_form(request: Request, place_code: PlaceCode) -> Response:
    notice_service.require_township_code(place_code)
    return await _report_form(request, place_code)


@router.post("/townships/{place_code}/report")
async def report(request: Request, place_code: PlaceCode) -> Response:
    """Answered on the post itself: the follow-up code stays out of URLs and history."""
    notice_service.require_township_code(place_code)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip() for k in REPORT_FIELDS}
    try:
        body = ReportIn(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return await _report_form(
            request, place_code, errors=pages.FormErrors.from_validation(exc), values=values
        )
    runtime = get_runtime(request)
    try:
        async with transaction(runtime.sessions) as session:
            saved, code = await report_service.submit(
                session,
                township_code=place_code,
                data=report_service.ReportData(**body.model_dump()),
            )
    except DomainError as exc:
        return await _report_form(
            request, place_code, errors=pages.FormErrors.from_domain(exc), values=values
        )
    runtime.committed()
    return PAGES.render(
        request, "report_receipt.html", {"report": saved, "code": code, "place_code": place_code}
    )
