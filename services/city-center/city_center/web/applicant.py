"""The applicant's sign-in on the city's public pages (decision 8): a phone number, a one-time
code sent by identity, then a session in the HttpOnly cookie. The center only relays both
steps to identity (case/online_router.py); it never sees whether a code is right.

The applicant's pages have their own `Pages`, so that a visitor who is not signed in is sent
to this sign-in rather than the staff's."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Query, Request, Response

from city_center.case import online
from city_center.case import online_router as online_api
from city_center.web.common import public_nav
from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.errors import DomainError, PermissionDenied
from govnet_kit.personal import normalise_mobile, valid_mobile
from govnet_kit.web import get_runtime

APPLY_HOME = "/apply"
APPLY_PAGES = pages.Pages(
    "city_center.web",
    site_zh="市行政服务中心",
    site_en="City administrative service center",
    sign_in_path="/apply/sign-in",
    sign_out_path="/apply/sign-out",
)
router = APPLY_PAGES.router()


def nav(request: Request) -> list[tuple[str, str]]:
    """The public menu (the online application is on it)."""
    return public_nav(request)


async def applicant_of(request: Request) -> Principal:
    """The signed-in applicant, or off to the sign-in (a staff session is not an applicant)."""
    principal = await APPLY_PAGES.staff(request)  # any session; SignInRequired without one
    if principal.kind != "applicant":
        raise PermissionDenied(
            "sign out, then sign in as an applicant with your mobile phone",
            message_zh="请先退出，再以申请人身份用手机验证码登录",
        )
    online.require_applicant(principal)
    return principal


def _page(
    request: Request,
    *,
    step: str,
    next_path: str,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return APPLY_PAGES.render(
        request,
        "apply_sign_in.html",
        {
            "nav": nav(request),
            "step": step,
            "next": next_path,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/apply/sign-in")
async def sign_in_form(
    request: Request, next: Annotated[str, Query(max_length=200)] = APPLY_HOME
) -> Response:
    return _page(request, step="phone", next_path=pages.safe_next(next, APPLY_HOME))


def _phone(form: object, errors: pages.FormErrors) -> str:
    phone = normalise_mobile(str(form.get("phone", "")).strip()[:20])  # type: ignore[attr-defined]
    if not valid_mobile(phone):
        errors.add("phone", "请填写11位大陆手机号码", "enter an 11-digit mainland mobile number")
    return phone


@router.post("/apply/sign-in/code")
async def send_code(request: Request) -> Response:
    """Step 1: identity texts a code to the phone. Answered on the post: the phone number
    stays out of URLs."""
    form = await pages.form_data(request)
    target = pages.safe_next(str(form.get("next", APPLY_HOME)), APPLY_HOME)
    errors = pages.FormErrors()
    phone = _phone(form, errors)
    if not errors:
        try:
            await online_api.request_code(
                get_runtime(request), phone=phone, language=pages.language(request)
            )
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "phone"})
            return _page(
                request,
                step="phone",
                next_path=target,
                errors=errors,
                values={"phone": phone},
                status_code=exc.http_status,
            )
        return _page(request, step="code", next_path=target, values={"phone": phone})
    return _page(
        request,
        step="phone",
        next_path=target,
        errors=errors,
        values={"phone": phone},
        status_code=422,
    )


@router.post("/apply/sign-in")
async def sign_in(request: Request) -> Response:
    """Step 2: the code for a session; then on to where the applicant was going."""
    form = await pages.form_data(request)
    target = pages.safe_next(str(form.get("next", APPLY_HOME)), APPLY_HOME)
    errors = pages.FormErrors()
    phone = _phone(form, errors)
    code = str(form.get("code", "")).strip()[:6]
    if not (len(code) == 6 and code.isdigit()):
        errors.add("code", "请填写短信中的6位验证码", "enter the 6-digit code from the SMS")
    status = 422
    if not errors:
        runtime = get_runtime(request)
        response = APPLY_PAGES.redirect(request, target)
        try:
            await online_api.verify_code(runtime, response, phone=phone, code=code)
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "code", "phone": "code"})
            status = exc.http_status
        else:
            # A token seen before sign-in is worth nothing after it (as for staff).
            response.set_cookie(
                pages.CSRF_COOKIE,
                secrets.token_urlsafe(24),
                httponly=True,
                samesite="strict",
                secure=runtime.settings.cookie_secure,
            )
            return response
    return _page(
        request,
        step="code",
        next_path=target,
        errors=errors,
        values={"phone": phone},
        status_code=status,
    )


@router.post("/apply/sign-out")
async def sign_out(request: Request) -> Response:
    await pages.form_data(request)
    return pages.sign_out(APPLY_PAGES.redirect(request, APPLY_HOME))
