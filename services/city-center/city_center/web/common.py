"""What the city's pages share: the environment, the staff menu by role, status names."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request

from govnet.common.v1 import case_pb2
from govnet_kit import lifecycle, pages
from govnet_kit.auth import Principal
from govnet_kit.errors import PermissionDenied

PAGES = pages.Pages(
    "city_center.web",
    site_zh="市行政服务中心",
    site_en="City administrative service center",
    sign_in_path="/staff/sign-in",
    sign_out_path="/staff/sign-out",
)
CaseNumber = Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")]
ItemCode = Annotated[str, Path(max_length=50, pattern=r"^[A-Za-z0-9-]+$")]

# Each staff page belongs to the people of one role; the menu shows a staff member theirs.
DESK, SUPERVISION, CONSOLE = "desk", "supervision", "console"
MENU = {
    DESK: ("/desk", "首席代表工作台", "Representative's desk"),
    SUPERVISION: ("/supervision", "电子监察", "E-supervision"),
    CONSOLE: ("/console", "管理控制台", "Administrator's console"),
}
PUBLIC_MENU = [
    ("/catalog", "办事指南", "Service catalog"),
    ("/lookup", "办件查询", "Case look-up"),
    ("/appraisal", "考核公示", "Appraisal"),
    ("/complaints/new", "投诉举报", "Complaints"),
    ("/apply", "网上申请", "Apply online"),
    ("/appointments", "我的预约", "My bookings"),
]


def areas(principal: Principal) -> list[str]:
    """The staff areas a signed-in city staff member works in, by role."""
    if principal.kind != "staff":
        return []
    out = []
    if principal.tier == "city" and principal.department_code:  # the departments' windows
        out.append(DESK)
    if principal.has_role("supervisor"):
        out.append(SUPERVISION)
    if principal.has_role("administrator"):
        out.append(CONSOLE)
    return out


def nav(request: Request, principal: Principal) -> list[tuple[str, str]]:
    lang = pages.language(request)
    return [
        (href, zh if lang == "zh" else en)
        for href, zh, en in [MENU[a] for a in areas(principal)] + PUBLIC_MENU
    ]


def public_nav(request: Request) -> list[tuple[str, str]]:
    """The public pages' menu (a signed-out visitor sees it too)."""
    lang = pages.language(request)
    return [(href, zh if lang == "zh" else en) for href, zh, en in PUBLIC_MENU]


def require_area(principal: Principal, area: str) -> None:
    if area not in areas(principal):
        zh, en = MENU[area][1:]
        raise PermissionDenied(f"the {en} is not yours to use", message_zh=f"无权使用{zh}")


async def staff_of(request: Request, area: str) -> Principal:
    """The signed-in staff member of this area, or off to the sign-in form (or a 403 page)."""
    principal = await PAGES.staff(request)
    require_area(principal, area)
    return principal


def render(request: Request, template: str, context: dict, *, principal: Principal, **kw):  # type: ignore[no-untyped-def, type-arg]
    """A staff page with the staff member's own menu."""
    return PAGES.render(
        request, template, {"nav": nav(request, principal), **context}, principal=principal, **kw
    )


def status_label(status: int | str, lang: str) -> str:
    """A status number (a case here) or name (a clock, `in_review`) in the reader's language."""
    if isinstance(status, str):
        try:
            status = case_pb2.CaseStatus.Value("CASE_STATUS_" + status.upper())
        except ValueError:
            return status
    if lang == "zh":
        return lifecycle.NAMES_ZH.get(status, lifecycle.name(status))
    return lifecycle.name(status).replace("_", " ")


def pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def flash(request: Request, texts: dict[str, tuple[str, str]]) -> str:
    """The message a redirect's `?done=` asks for, in the reader's language."""
    zh, en = texts.get(request.query_params.get("done", ""), ("", ""))
    return pick(pages.language(request), zh, en)
