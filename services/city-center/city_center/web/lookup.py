"""The applicant's case look-up page (issue 8): number and query code from the slip; public,
and limited against guessing by the same limiter as the JSON API."""

from __future__ import annotations

from fastapi import Request, Response

from city_center.case import lookup
from city_center.web.common import PAGES, pick, public_nav, status_label
from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.ratelimit import TooManyAttempts
from govnet_kit.web import get_runtime

router = PAGES.router()


@router.get("/lookup")
async def lookup_form(request: Request) -> Response:
    return PAGES.render(request, "lookup.html", {"nav": public_nav(request)})


@router.post("/lookup")
async def lookup_case(request: Request) -> Response:
    """Answered on the post itself, not after a redirect: the query code stays out of URLs,
    browser history and access logs."""
    form = await pages.form_data(request)
    number = str(form.get("case_number", "")).strip()[:40]
    code = str(form.get("query_code", "")).strip()[:20]
    errors = pages.FormErrors()
    if not number:
        errors.add("case_number", "请填写办件编号", "enter the case number")
    if len(code) < 4:
        errors.add("query_code", "请填写受理回执上的查询码", "enter the query code on the slip")
    found, status, retry_after = None, 422, 0
    if not errors:
        try:
            async with transaction(get_runtime(request).sessions) as session:
                found = await lookup.find(
                    session, number, code, limiter=request.app.state.lookup_limiter
                )
        except TooManyAttempts as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "query_code"})
            status, retry_after = 429, exc.retry_after
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "query_code"})
    lang = pages.language(request)
    response = PAGES.render(
        request,
        "lookup.html",
        {
            "nav": public_nav(request),
            "case": found,
            "status": status_label(found.status, lang) if found else "",
            "item_name": pick(lang, found.item_name_zh, found.item_name_en) if found else "",
            "department": (
                pick(lang, found.department_name_zh, found.department_name_en) if found else ""
            ),
            "errors": errors,
            "values": {"case_number": number},  # the code is not echoed back into the page
        },
        status_code=status if errors else 200,
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response
