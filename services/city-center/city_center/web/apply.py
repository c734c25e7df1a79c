"""The online application at the city (T1, L1), for a signed-in applicant: the items open to
it, an item's form generated from its materials list (one upload each) with the applicant's
name, ID card number and phone; then the redirect notice, the one-time notice (nothing
stored) or, after a 303, the printable acceptance slip. The same domain function as the JSON
API (`POST /api/v1/applicant/applications`); nothing needs JavaScript.

The query code is shown once: the slip's redirect carries it in a short-lived HttpOnly cookie
scoped to the slip's path (never in a URL, history or access log), which the slip clears."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from fastapi import Request, Response

from city_center.case import online
from city_center.catalog import service as catalog_service
from city_center.web import applicant
from city_center.web.applicant import APPLY_PAGES, applicant_of, nav
from city_center.web.common import CaseNumber, ItemCode
from govnet_kit import calendar_table, pages
from govnet_kit.cases import RIGHTS_AND_OBLIGATIONS, MaterialData
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import DomainError
from govnet_kit.personal import normalise_mobile, valid_id_number, valid_mobile
from govnet_kit.web import get_runtime
from govnet_kit.worktime import SHANGHAI

router = APPLY_PAGES.router()
router.include_router(applicant.router)
FIELDS = ("name", "id_number", "phone", "language", "channel")
SLIP_COOKIE = "govnet_slip"
SLIP_COOKIE_SECONDS = 600


def due_text(deadline: datetime) -> str:
    """The deadline as decision 6 says it: 24:00 of its last working day, Beijing time."""
    local = deadline.astimezone(SHANGHAI)
    if local.time() == time(0):
        return f"{local - timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


@router.get("/apply")
async def items(request: Request) -> Response:
    """Public: the city items an applicant may apply for online, each to its form."""
    async with transaction(get_runtime(request).sessions) as session:
        found = await online.open_items(session)
    return APPLY_PAGES.render(request, "apply_items.html", {"nav": nav(request), "items": found})


async def _form(
    request: Request,
    item_code: str,
    principal: object,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        item = await catalog_service.get_in_force(session, item_code)
    if not online.open_to_online(item):
        return _redirect_page(request, item, online.redirect_notice(item), principal)
    return APPLY_PAGES.render(
        request,
        "apply_form.html",
        {
            "nav": nav(request),
            "item": item,
            "errors": errors or pages.FormErrors(),
            "values": {"language": pages.language(request), **(values or {})},
        },
        status_code=status_code,
        principal=principal,  # type: ignore[arg-type]
    )


def _redirect_page(request, item, notice: online.RedirectNotice, principal) -> Response:  # type: ignore[no-untyped-def]
    return APPLY_PAGES.render(
        request,
        "apply_redirect.html",
        {"nav": nav(request), "item": item, "notice": notice},
        principal=principal,
    )


@router.get("/apply/{code}")
async def form(request: Request, code: ItemCode) -> Response:
    """The item's form, or straight away where to apply if the city does not take it online."""
    return await _form(request, code, await applicant_of(request))


def _check_fields(values: dict[str, str], errors: pages.FormErrors) -> None:
    """Each mistake beside its field, in both languages."""
    if not values["name"]:
        errors.add("name", "请填写姓名", "enter your name")
    elif len(values["name"]) > 50:
        errors.add("name", "姓名过长（最多50字）", "at most 50 characters")
    if not valid_id_number(values["id_number"]):
        errors.add(
            "id_number",
            "身份证号码应为18位，末位为校验码，请核对",
            "an ID card number has 18 characters, the last a check character: please check it",
        )
    if not valid_mobile(values["phone"]):
        errors.add("phone", "请填写11位大陆手机号码", "enter an 11-digit mainland mobile number")
    if values["language"] not in ("zh", "en"):
        errors.add("language", "请从选项中选择", "choose one of the options")
    if values["channel"] not in ("sms", "in_app"):
        errors.add("channel", "请从选项中选择", "choose one of the options")


@router.post("/apply/{code}")
async def apply(request: Request, code: ItemCode) -> Response:
    principal = await applicant_of(request)
    form_data = await pages.form_data(request)
    values = {k: str(form_data.get(k, "")).strip()[:60] for k in FIELDS}
    values["id_number"] = values["id_number"].upper()
    values["phone"] = normalise_mobile(values["phone"])
    errors = pages.FormErrors()
    _check_fields(values, errors)
    runtime = get_runtime(request)
    async with transaction(runtime.sessions) as session:
        item = await catalog_service.get_in_force(session, code)
    uploads = pages.uploads(form_data, [m.code for m in item.materials], errors)
    if errors and online.open_to_online(item):
        return await _form(request, code, principal, errors=errors, values=values, status_code=422)
    try:
        async with transaction(runtime.sessions) as session:
            outcome = await online.apply(
                session,
                principal=principal,
                item_code=code,
                applicant=online.ApplicantData(**values),
                materials=[
                    MaterialData(u.code, u.filename, u.content_type, u.content) for u in uploads
                ],
                calendar=await calendar_table.calendar(
                    session,
                    runtime.settings.confirmed_calendar_years,  # type: ignore[attr-defined]
                ),
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "item_code"})
        return await _form(
            request, code, principal, errors=errors, values=values, status_code=exc.http_status
        )
    if outcome.kind == "redirected":
        assert outcome.redirect is not None
        return _redirect_page(request, outcome.item, outcome.redirect, principal)
    if outcome.kind == "incomplete":
        # Answered on the post: nothing was stored, so there is no page to send the applicant
        # to; the notice is printable as it is.
        return APPLY_PAGES.render(
            request,
            "apply_notice.html",
            {
                "nav": nav(request),
                "item": outcome.item,
                "missing": outcome.missing,
                "now": utcnow(),
            },
            principal=principal,
        )
    runtime.committed()
    assert outcome.case is not None
    number = outcome.case.case_number
    response = APPLY_PAGES.redirect(request, f"/apply/slip/{number}")
    response.set_cookie(
        SLIP_COOKIE,
        outcome.query_code,
        max_age=SLIP_COOKIE_SECONDS,
        path=f"/apply/slip/{number}",
        httponly=True,
        samesite="strict",
        secure=runtime.settings.cookie_secure,
    )
    return response


@router.get("/apply/slip/{case_number}")
async def slip(request: Request, case_number: CaseNumber) -> Response:
    """The acceptance slip, printable on A4: the applicant's own case only. The query code is
    on it the first time; afterwards the slip says it was shown once."""
    principal = await applicant_of(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await online.own_case(session, principal=principal, case_number=case_number)
        item = await catalog_service.get_version(session, case.item_code, case.item_version)
    query_code = request.cookies.get(SLIP_COOKIE, "")
    response = APPLY_PAGES.render(
        request,
        "apply_slip.html",
        {
            "nav": nav(request),
            "case": case,
            "item": item,
            "query_code": query_code,
            "due": due_text(case.deadline),
            "rights": RIGHTS_AND_OBLIGATIONS.split("\n", 1),
        },
        principal=principal,
    )
    if query_code:
        response.delete_cookie(SLIP_COOKIE, path=f"/apply/slip/{case_number}")
    return response
