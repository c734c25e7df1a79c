"""City staff sign in on the center's own pages; the center relays it to identity (decision 8)
and each staff member lands on the area of their role."""

from __future__ import annotations

from fastapi import Request, Response

from city_center.web.common import MENU, PAGES, areas
from govnet_kit import pages
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime

router = PAGES.router()


def _safe_next(target: str) -> str:
    """Only a path of this service: a sign-in link must never send anyone elsewhere."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/staff"


@router.get("/staff")
async def staff_home(request: Request) -> Response:
    """The first area of the signed-in staff member's roles."""
    principal = await PAGES.staff(request)
    mine = areas(principal)
    return PAGES.redirect(request, MENU[mine[0]][0] if mine else "/catalog")


@router.get("/staff/sign-in")
async def sign_in_form(request: Request, next: str = "/staff") -> Response:
    return PAGES.render(request, "sign_in.html", {"next": _safe_next(next)})


@router.post("/staff/sign-in")
async def sign_in(request: Request) -> Response:
    form = await pages.form_data(request)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/staff")))
    errors = pages.FormErrors()
    if not username:
        errors.add("username", "请填写用户名", "enter your user name")
    if not password:
        errors.add("password", "请填写密码", "enter your password")
    if not errors:
        response = PAGES.redirect(request, target)
        try:
            await pages.staff_sign_in(
                get_runtime(request), response, username=username[:100], password=password[:200]
            )
            return response
        except DomainError as exc:
            errors = pages.FormErrors.from_domain(exc, rename={"": "password"})
    return PAGES.render(
        request,
        "sign_in.html",
        {"next": target, "errors": errors, "values": {"username": username}},
        status_code=422,
    )


@router.post("/staff/sign-out")
async def sign_out(request: Request) -> Response:
    await pages.form_data(request)
    return pages.sign_out(PAGES.redirect(request, "/staff/sign-in"))
