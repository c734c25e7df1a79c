"""The applicant's case look-up with the number and query code from the slip; public, and
limited against guessing exactly as the JSON API's (the same limiter)."""

from __future__ import annotations

from fastapi import Request, Response

from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from village_room.case import service as case_service
from village_room.web.common import PAGES, status_label

router = PAGES.router()


@router.get("/lookup")
async def lookup_form(request: Request) -> Response:
    return PAGES.render(request, "lookup.html")


@router.post("/lookup")
async def lookup(request: Request) -> Response:
    """Answered on the post itself, not after a redirect: the query code stays out of URLs,
    browser history and access logs."""
    form = await pages.form_data(request)
    number = str(form.get("case_number", "")).strip()[:40]
    code = str(form.get("query_code", "")).strip()[:20]
    values = {"case_number": number, "query_code": code}
    errors = pages.FormErrors()
    if not number:
        errors.add("case_number", "请填写办件编号", "enter the case number")
    if len(code) < 4:
        errors.add("query_code", "请填写受理回执上的查询码", "enter the query code on the slip")
    case = None
    if not errors:
        try:
            async with transaction(get_runtime(request).sessions) as session:
                case = await case_service.find_by_query_code(
                    session, number, code, limiter=request.app.state.lookup_limiter
                )
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "query_code"})
    lang = pages.language(request)
    return PAGES.render(
        request,
        "lookup.html",
        {
            "case": case,
            "status": status_label(case.status, lang) if case else "",
            "errors": errors,
            "values": values,
        },
        status_code=422 if errors else 200,
    )
