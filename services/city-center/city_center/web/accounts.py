"""The administrator's staff accounts (issue 8): list, create, re-scope, suspend, reactivate,
reset a password.

Identity keeps the accounts; the center keeps none. Each page relays the administrator's own
request to identity over gRPC with the administrator's own token (decision 8), so identity's
permission check decides, and the center holds no right over accounts of its own (least
privilege). Identity's refusals come back with the field they name and are shown beside it.

A new account's first password (and a reset one) is chosen by identity and shown on the answer
to the post that asked for it, once: that answer is a page rather than a redirect, since the password must travel
in no URL and no cookie (pages are `Cache-Control: no-store`). Nothing here logs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Annotated, Any, TypeVar

import grpc
from fastapi import Path, Request, Response

from city_center.web import service as web_service
from city_center.web.common import CONSOLE, PAGES, flash, pick, render, staff_of
from city_center.web.places import place_options
from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.grpcutil import bearer_metadata, domain_error
from govnet_kit.web import get_runtime

router = PAGES.router()
StaffId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f-]+$")]
PAGE_SIZE = 50
T = TypeVar("T")

# The roles identity knows (identity.staff.service.ROLES), as the console names them.
ROLES = {
    "village_staff": ("村便民服务室工作人员", "Village service-room staff"),
    "town_window": ("乡镇窗口工作人员", "Township window staff"),
    "town_head": ("乡镇负责人", "Township head"),
    "town_notice_editor": ("乡镇公告编辑", "Township notice editor"),
    "chief_representative": ("首席代表", "Chief representative"),
    "department_head": ("部门负责人", "Department head"),
    "supervisor": ("电子监察员", "Supervisor"),
    "administrator": ("管理员", "Administrator"),
}
TIERS = {"village": ("村", "Village"), "town": ("乡镇", "Township"), "city": ("市", "City")}
# The fields of the account form, named as identity names them in its refusals.
FIELDS = ("display_name", "username", "tier", "place_code", "department_code")
SCOPE = ("tier", "place_code", "department_code")
DONE = {
    "rescoped": ("账号权限范围已更新。", "The account's scope is changed."),
    "suspended": (
        "账号已停用，其所有授权已一并撤销。",
        "The account is suspended, and every credential it held is withdrawn.",
    ),
    "reactivated": (
        "账号已恢复，可以重新登录；停用前的审批授权不随之恢复，需由部门重新授权。",
        "The account is reactivated and can sign in again; the delegations it held before "
        "the suspension do not come back: its department grants anew.",
    ),
}


async def relay(call: Awaitable[T]) -> T:
    """Identity's answer, or its refusal as the domain error it was (field and both languages);
    an identity that cannot be reached is `Unavailable`, said beside the form's button."""
    try:
        return await call
    except grpc.aio.AioRpcError as exc:
        raise domain_error(exc) from exc


def identity(request: Request) -> identity_pb2_grpc.IdentityServiceStub:
    return identity_pb2_grpc.IdentityServiceStub(get_runtime(request).identity_channel)


def caller(principal: Principal) -> dict[str, Any]:
    return {"metadata": bearer_metadata(principal.token), "timeout": 5.0}


def _required(values: dict[str, str], roles: list[str], names: tuple[str, ...]) -> pages.FormErrors:
    """The form's own checks, all at once; identity checks the rest (and these again)."""
    errors = pages.FormErrors()
    for name in names:
        if name != "department_code" and not values.get(name):
            errors.add(name, "必填", "required")
    if not roles:
        errors.add("roles", "请至少选择一个角色", "choose at least one role")
    return errors


def _refused(exc: DomainError, button: str) -> pages.FormErrors:
    """Beside the field identity named; the form's button otherwise."""
    return pages.FormErrors.from_domain(exc, rename={"": button, "staff_id": button})


async def _departments(request: Request) -> dict[str, tuple[str, str]]:
    async with transaction(get_runtime(request).sessions) as session:
        return await web_service.department_names(session)


def _context(
    request: Request,
    departments: dict[str, tuple[str, str]],
    *,
    department: str = "",
    roles: Collection[str] = (),
) -> dict[str, Any]:
    """Names in the reader's language, and the options of the account form: an account's
    department or role the console does not list stays an option, so saving keeps it."""
    lang = pages.language(request)
    names = {k: pick(lang, *v) for k, v in departments.items()}
    role_names = {k: pick(lang, *v) for k, v in ROLES.items()}
    return {
        "role_names": role_names | {r: r for r in roles if r not in role_names},
        "tier_names": {k: pick(lang, *v) for k, v in TIERS.items()},
        "departments": names,
        "tier_options": [("", pick(lang, "请选择", "choose"))]
        + [(k, pick(lang, *v)) for k, v in TIERS.items()],
        "department_options": [("", pick(lang, "无", "none"))]
        + [(k, f"{v} ({k})") for k, v in names.items()]
        + ([(department, department)] if department and department not in names else []),
    }


# -- the list, with the form of a new account --------------------------------------------------


async def _list_page(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    roles: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    q = request.query_params
    shown = {k: q.get(k, "")[:400] for k in ("place", "role", "tier", "page")}
    errors = errors or pages.FormErrors()
    accounts: list[identity_pb2.StaffAccount] = []
    next_page = ""
    try:
        found = await relay(
            identity(request).ListStaff(
                identity_pb2.ListStaffRequest(
                    page_size=PAGE_SIZE,
                    page_token=shown["page"],
                    place_code=shown["place"],
                    role=shown["role"],
                    tier=shown["tier"],
                ),
                **caller(principal),
            )
        )
        accounts, next_page = list(found.staff), found.next_page_token
    except DomainError as exc:
        rename = {
            "place_code": "filter_place",
            "role": "filter_role",
            "tier": "filter_tier",
            "page_token": "filter",
            "": "filter",
        }
        for name, message in pages.FormErrors.from_domain(exc, rename=rename).by_field.items():
            errors.add(name, *message)
        status_code = max(status_code, exc.http_status)
    return render(
        request,
        "console_staff.html",
        {
            **_context(
                request,
                await _departments(request),
                department=(values or {}).get("department_code", ""),
            ),
            "accounts": accounts,
            "place_options": await place_options(request),
            "filters": shown,
            "next_page": next_page,
            "errors": errors,
            "values": values or {},
            "checked": set(roles or []),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/console/staff")
async def staff_list(request: Request) -> Response:
    """Accounts by user name, fifty a page, filtered by `place`, `role` and `tier` (identity
    checks them: a bad one is said beside its filter) and paged by identity's `page` token."""
    return await _list_page(request, await staff_of(request, CONSOLE))


@router.post("/console/staff")
async def create(request: Request) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:100] for k in FIELDS}
    roles = [str(r)[:40] for r in form.getlist("roles")][:20]
    errors = _required(values, roles, FIELDS)
    status = 422
    if not errors:
        try:
            created = await relay(
                identity(request).CreateStaff(
                    identity_pb2.CreateStaffRequest(**values, roles=roles, generate_password=True),
                    **caller(principal),
                )
            )
        except DomainError as exc:
            errors, status = _refused(exc, "create"), exc.http_status
    if errors:
        return await _list_page(
            request, principal, errors=errors, values=values, roles=roles, status_code=status
        )
    return render(
        request,
        "console_staff_created.html",
        {
            **_context(request, await _departments(request)),
            "account": created.staff,
            "initial_password": created.initial_password,
        },
        principal=principal,
    )


# -- one account: re-scope, suspend -----------------------------------------------------------


async def _account_page(
    request: Request,
    principal: Principal,
    staff_id: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    roles: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    found = await relay(
        identity(request).GetStaff(
            identity_pb2.GetStaffRequest(staff_id=staff_id), **caller(principal)
        )
    )
    account = found.staff
    departments = await _departments(request)
    shown = {**{k: getattr(account, k) for k in SCOPE}, **(values or {})}
    return render(
        request,
        "console_staff_account.html",
        {
            **_context(
                request,
                departments,
                department=shown["department_code"],
                roles=[*account.roles, *(roles or [])],
            ),
            "account": account,
            "place_options": await place_options(request),
            "errors": errors or pages.FormErrors(),
            "values": shown,
            "checked": set(account.roles if roles is None else roles),
            "flash": flash(request, DONE),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/console/staff/{staff_id}")
async def account(request: Request, staff_id: StaffId) -> Response:
    return await _account_page(request, await staff_of(request, CONSOLE), staff_id)


@router.post("/console/staff/{staff_id}/rescope")
async def rescope(request: Request, staff_id: StaffId) -> Response:
    """New roles, tier, place or department for the account, all replaced at once."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:100] for k in SCOPE}
    roles = [str(r)[:40] for r in form.getlist("roles")][:20]
    errors, status = _required(values, roles, SCOPE), 422
    if not errors:
        try:
            await relay(
                identity(request).RescopeStaff(
                    identity_pb2.RescopeStaffRequest(staff_id=staff_id, **values, roles=roles),
                    **caller(principal),
                )
            )
        except DomainError as exc:
            errors, status = _refused(exc, "rescope"), exc.http_status
    if errors:
        return await _account_page(
            request,
            principal,
            staff_id,
            errors=errors,
            values=values,
            roles=roles,
            status_code=status,
        )
    return PAGES.redirect(request, f"/console/staff/{staff_id}?done=rescoped")


async def _with_reason(
    request: Request,
    staff_id: str,
    *,
    action: str,
    missing: tuple[str, str],
    call: Callable[[Principal, str], Awaitable[object]],
    done: str,
) -> Response:
    """A change of an account that must say why (suspend, reactivate): the reason asked for
    beside its field, the change relayed to identity, the account page again."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    reason = str(form.get("reason", "")).strip()[:500]
    errors, status = pages.FormErrors(), 422
    if not reason:
        errors.add("reason", *missing)
    else:
        try:
            await relay(call(principal, reason))
        except DomainError as exc:
            errors, status = _refused(exc, action), exc.http_status
    if errors:
        return await _account_page(
            request,
            principal,
            staff_id,
            errors=errors,
            values={"reason": reason},
            status_code=status,
        )
    return PAGES.redirect(request, f"/console/staff/{staff_id}?done={done}")


@router.post("/console/staff/{staff_id}/suspend")
async def suspend(request: Request, staff_id: StaffId) -> Response:
    """The account can no longer sign in; identity withdraws its credentials everywhere."""
    return await _with_reason(
        request,
        staff_id,
        action="suspend",
        missing=("请填写停用原因", "give the reason for suspending"),
        call=lambda principal, reason: identity(request).SuspendStaff(
            identity_pb2.SuspendStaffRequest(staff_id=staff_id, reason=reason),
            **caller(principal),
        ),
        done="suspended",
    )


@router.post("/console/staff/{staff_id}/reactivate")
async def reactivate(request: Request, staff_id: StaffId) -> Response:
    """The account signs in again; identity keeps withdrawn what it held before."""
    return await _with_reason(
        request,
        staff_id,
        action="reactivate",
        missing=("请填写恢复原因", "give the reason for reactivating"),
        call=lambda principal, reason: identity(request).ReactivateStaff(
            identity_pb2.ReactivateStaffRequest(staff_id=staff_id, reason=reason),
            **caller(principal),
        ),
        done="reactivated",
    )


@router.post("/console/staff/{staff_id}/password")
async def reset_password(request: Request, staff_id: StaffId) -> Response:
    """A new password identity generates, shown on this answer once (a page, not a redirect,
    as for a new account); the old one signs in no more."""
    principal = await staff_of(request, CONSOLE)
    await pages.form_data(request)
    try:
        reset = await relay(
            identity(request).ResetStaffPassword(
                identity_pb2.ResetStaffPasswordRequest(staff_id=staff_id), **caller(principal)
            )
        )
    except DomainError as exc:
        return await _account_page(
            request,
            principal,
            staff_id,
            errors=_refused(exc, "reset"),
            status_code=exc.http_status,
        )
    return render(
        request,
        "console_staff_password.html",
        {
            **_context(request, await _departments(request)),
            "account": reset.staff,
            "new_password": reset.new_password,
        },
        principal=principal,
    )
