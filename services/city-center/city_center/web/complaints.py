"""Complaints and reports from the public (S3): the form, the receipt with the number and the
code (shown once), and the complainant's follow-up. Public on purpose, like the JSON API's
`POST /api/v1/complaints`; the same domain functions."""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import ValidationError

from city_center.complaint import service as complaint_service
from city_center.complaint.schemas import ComplaintIn
from city_center.supervision.dependencies import clock
from city_center.web import service as web_service
from city_center.web.common import PAGES, public_nav
from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime

router = PAGES.router()
FIELDS = (
    "kind",
    "case_number",
    "place_code",
    "department_code",
    "window_id",
    "person",
    "content",
    "contact",
)
MIN_CONTENT = 5
OUTCOMES = {
    "": ("", ""),
    "upheld": ("投诉属实", "upheld"),
    "partly_upheld": ("部分属实", "partly upheld"),
    "not_upheld": ("投诉不属实", "not upheld"),
    "withdrawn": ("已撤回", "withdrawn"),
}
STATUSES = {
    "received": ("已收到", "received"),
    "in_progress": ("办理中", "in progress"),
    "concluded": ("已办结", "concluded"),
}


async def _form(
    request: Request,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        departments = await web_service.department_names(session)
    lang = pages.language(request)
    return PAGES.render(
        request,
        "complaint_form.html",
        {
            "nav": public_nav(request),
            "departments": [("", "—")]
            + sorted((code, n[0] if lang == "zh" else n[1]) for code, n in departments.items()),
            "errors": errors or pages.FormErrors(),
            "values": {"kind": "complaint", **(values or {})},
        },
        status_code=422 if errors else 200,
    )


@router.get("/complaints/new")
async def complaint_form(request: Request) -> Response:
    return await _form(request)


@router.post("/complaints")
async def submit(request: Request) -> Response:
    """Answered on the post itself, not after a redirect: the code is shown once and stays out
    of URLs, browser history and access logs."""
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:4000] for k in FIELDS}
    if 0 < len(values["content"]) < MIN_CONTENT:  # said plainly, not pydantic's "too short"
        errors = pages.FormErrors()
        errors.add(
            "content", "请至少写5个字，说明发生了什么", "at least 5 characters: say what happened"
        )
        return await _form(request, errors=errors, values=values)
    try:
        body = ComplaintIn(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return await _form(request, errors=pages.FormErrors.from_validation(exc), values=values)
    now = clock()
    try:
        async with transaction(get_runtime(request).sessions) as session:
            complaint, code = await complaint_service.submit(
                session,
                complaint_service.ComplaintForm(
                    **{k: v for k, v in body.model_dump().items() if v is not None}
                ),
                now=now,
            )
    except DomainError as exc:
        return await _form(request, errors=pages.FormErrors.from_domain(exc), values=values)
    return PAGES.render(
        request,
        "complaint_receipt.html",
        {"nav": public_nav(request), "complaint": complaint, "code": code},
    )


@router.get("/complaints/follow")
async def follow_form(request: Request) -> Response:
    return PAGES.render(request, "complaint_follow.html", {"nav": public_nav(request)})


@router.post("/complaints/follow")
async def follow(request: Request) -> Response:
    """The complainant's view by number and code, answered on the post like the look-up."""
    form = await pages.form_data(request)
    number = str(form.get("number", "")).strip().upper()[:40]
    code = str(form.get("code", "")).strip().upper()[:20]
    errors = pages.FormErrors()
    if not number:
        errors.add("number", "请填写投诉编号", "enter the complaint number")
    if len(code) != complaint_service.CODE_LENGTH:
        errors.add("code", "请填写回执上的8位查询码", "enter the 8-character code on the receipt")
    complaint = None
    if not errors:
        try:
            async with transaction(get_runtime(request).sessions) as session:
                complaint = await complaint_service.public_view(session, number, code)
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "code"})
    lang = pages.language(request)
    return PAGES.render(
        request,
        "complaint_follow.html",
        {
            "nav": public_nav(request),
            "complaint": complaint,
            "status": STATUSES.get(complaint.status, (complaint.status,) * 2)[lang != "zh"]
            if complaint
            else "",
            "outcome": OUTCOMES.get(complaint.outcome, (complaint.outcome,) * 2)[lang != "zh"]
            if complaint
            else "",
            "errors": errors,
            "values": {"number": number},
        },
        status_code=422 if errors else 200,
    )
