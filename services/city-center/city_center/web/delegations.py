"""The administrator's delegated approval credentials (A1) and same-post substitutions (L7), a
department at a time (issue 8): list, grant, revoke; name a substitute, end a substitution.

Identity keeps the grants; the center keeps none. As for the staff accounts, each page relays
the administrator's own request to identity over gRPC with the administrator's own token
(decision 8), so identity's permission check decides. The center adds what only it knows: the
department's items in force come from its own catalog, so a grant names no item the
department does not own. Periods are whole days, Asia/Shanghai: from 00:00 of the first day to
24:00 of the last.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Path, Request, Response
from google.protobuf.timestamp_pb2 import Timestamp

from city_center.web import service as web_service
from city_center.web.accounts import TIERS, caller, identity, relay
from city_center.web.common import CONSOLE, PAGES, flash, pick, render, staff_of
from govnet.identity.v1 import identity_pb2
from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from govnet_kit.worktime import SHANGHAI

router = PAGES.router()
GrantId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-f-]+$")]
PAGE_SIZE = 100
DONE = {
    "granted": ("授权已生效。", "The delegation is granted."),
    "revoked": (
        "授权已撤销，各级服务即时停止认可。",
        "The delegation is revoked; every tier stops honouring it at once.",
    ),
    "named": ("已指定同岗替代人。", "The substitute is named."),
    "ended": ("同岗替代已结束。", "The substitution is ended."),
}


# -- reading the form --------------------------------------------------------------------------


def _day(value: str, name: str, errors: pages.FormErrors) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, "日期格式应为 年-月-日", "a date, as YYYY-MM-DD")
        return None


def _period(
    values: dict[str, str], start: str, end: str, errors: pages.FormErrors
) -> tuple[Timestamp, Timestamp] | None:
    """From 00:00 of the first day (today if none) to 24:00 of the last, Beijing time."""
    first = _day(values.get(start, ""), start, errors) or datetime.now(SHANGHAI).date()
    last = _day(values.get(end, ""), end, errors)
    if not values.get(end):
        errors.add(end, "请填写截止日期", "give the last day")
    elif last is not None and last < first:
        errors.add(end, "截止日期不能早于起始日期", "the last day cannot be before the first")
    if errors or last is None:
        return None
    out = Timestamp(), Timestamp()
    out[0].FromDatetime(datetime.combine(first, time(0), tzinfo=SHANGHAI))
    out[1].FromDatetime(datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI))
    return out


def _refused(exc: DomainError, rename: dict[str, str]) -> pages.FormErrors:
    """Identity's refusal beside the field it names, as this page calls it."""
    return pages.FormErrors.from_domain(exc, rename=rename)


async def _department(request: Request, code: str) -> tuple[dict[str, tuple[str, str]], bool]:
    """The city's departments, and whether `code` is one of them."""
    async with transaction(get_runtime(request).sessions) as session:
        departments = await web_service.department_names(session)
    return departments, code in departments


# -- the page ----------------------------------------------------------------------------------


def _when(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


def _ends(stamp: Timestamp) -> str:
    """The end of a period as people say it: midnight is 24:00 of the day before."""
    local = _when(stamp).astimezone(SHANGHAI)
    if local.time() == time(0):
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


def _grant_state(d: identity_pb2.Delegation, now: datetime) -> str:
    if d.HasField("revoked_at"):
        return "revoked"
    if _when(d.valid_until) <= now:
        return "expired"
    return "pending" if _when(d.valid_from) > now else "in_force"


def _substitution_state(s: identity_pb2.Substitution, now: datetime) -> str:
    if s.HasField("ended_at"):
        return "ended"
    if _when(s.valid_until) <= now:
        return "expired"
    return "pending" if _when(s.valid_from) > now else "in_force"


STATES = {
    "in_force": ("有效", "in force"),
    "pending": ("未到起始日期", "not yet in force"),
    "expired": ("已过期", "expired"),
    "revoked": ("已撤销", "revoked"),
    "ended": ("已结束", "ended"),
}


async def _page(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    items: list[str] | None = None,
    department: str | None = None,
    status_code: int = 200,
) -> Response:
    lang = pages.language(request)
    q = request.query_params
    code = department if department is not None else q.get("department", "")[:50]
    departments, known = await _department(request, code)
    errors = errors or pages.FormErrors()
    if code and not known:
        errors.add("department", "没有这个部门", "no such department")
        status_code = max(status_code, 422)
    context: dict[str, Any] = {
        "department": code if known else "",
        "department_options": [("", pick(lang, "请选择部门", "choose a department"))]
        + [(k, f"{pick(lang, *v)} ({k})") for k, v in departments.items()],
        "department_name": pick(lang, *departments[code]) if known else "",
        "errors": errors,
        "values": {"department": code, "tier": "city", **(values or {})},
        "checked": set(items or []),
        "states": {k: pick(lang, *v) for k, v in STATES.items()},
        "tier_options": [(k, pick(lang, *v)) for k, v in TIERS.items()],
        "flash": flash(request, DONE),
        "grants": [],
        "substitutions": [],
    }
    if known:
        context |= await _department_context(request, principal, code, lang)
    return render(
        request, "console_delegations.html", context, status_code=status_code, principal=principal
    )


async def _department_context(
    request: Request, principal: Principal, code: str, lang: str
) -> dict[str, Any]:
    """The department's people, items, grants and substitutions (identity's refusal to list
    them is the page's answer)."""
    stub, now = identity(request), utcnow()
    async with transaction(get_runtime(request).sessions) as session:
        catalog = await web_service.department_items(session, code)
    people = await relay(
        stub.ListStaff(
            identity_pb2.ListStaffRequest(department_code=code, page_size=200),
            **caller(principal),
        )
    )
    grants = await relay(
        stub.ListDelegations(
            identity_pb2.ListDelegationsRequest(
                department_code=code,
                page_size=PAGE_SIZE,
                page_token=request.query_params.get("page", "")[:200],
            ),
            **caller(principal),
        )
    )
    substitutions = await relay(
        stub.ListSubstitutions(
            identity_pb2.ListSubstitutionsRequest(department_code=code, page_size=PAGE_SIZE),
            **caller(principal),
        )
    )
    names = {
        s.id: s.display_name + ("" if s.active else pick(lang, "（已停用）", " (suspended)"))
        for s in people.staff
    }
    active = [(s.id, f"{s.display_name} ({s.username})") for s in people.staff if s.active]
    choose = [("", pick(lang, "请选择", "choose"))]
    return {
        "names": names,
        "items": {k: pick(lang, *v) for k, v in catalog.items()},
        "representative_options": choose
        + [(i, n) for i, n in active if i in _representatives(people.staff)],
        "people_options": choose + active,
        "grants": [(d, _grant_state(d, now)) for d in grants.delegations],
        "next_page": grants.next_page_token,
        "substitutions": [(s, _substitution_state(s, now)) for s in substitutions.substitutions],
        "when": _when,
        "ends": _ends,
    }


def _representatives(staff: Any) -> set[str]:
    """Whom a department delegates to: its chief representatives (L7 substitutes are named
    below, not granted)."""
    return {s.id for s in staff if "chief_representative" in s.roles}


@router.get("/console/delegations")
async def delegations(request: Request) -> Response:
    """`?department=` the department's grants and substitutions, with the forms for new ones."""
    return await _page(request, await staff_of(request, CONSOLE))


# -- grant, revoke -----------------------------------------------------------------------------

GRANT_FIELDS = ("department", "representative_id", "tier", "valid_from", "valid_until")


@router.post("/console/delegations")
async def grant(request: Request) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:50] for k in GRANT_FIELDS}
    values["all_items"] = "yes" if form.get("all_items") else ""
    items = sorted({str(i)[:50] for i in form.getlist("item_codes")})[:200]
    code = values["department"]
    departments, known = await _department(request, code)
    errors = pages.FormErrors()
    if not known:
        errors.add("department", "没有这个部门", "no such department")
    if not values["representative_id"]:
        errors.add("representative_id", "请选择首席代表", "choose the representative")
    if values["all_items"] and items:
        errors.add(
            "item_codes", "全部事项与具体事项二选一", "all items, or the items named: not both"
        )
    elif not values["all_items"] and not items:
        errors.add("item_codes", "请选择授权事项", "choose the items, or all items")
    elif known and items:
        async with transaction(get_runtime(request).sessions) as session:
            owned = await web_service.department_items(session, code)
        if strangers := [i for i in items if i not in owned]:
            errors.add(
                "item_codes",
                f"不是本部门的现行事项：{'、'.join(strangers)}",
                f"not items of this department in force: {', '.join(strangers)}",
            )
    period = _period(values, "valid_from", "valid_until", errors)
    status = 422
    if not errors and period is not None:
        request_ = identity_pb2.GrantDelegationRequest(
            department_code=code,
            representative_id=values["representative_id"],
            item_codes=items,
            all_items=bool(values["all_items"]),
            tier=values["tier"] or "city",
        )
        request_.valid_from.CopyFrom(period[0])
        request_.valid_until.CopyFrom(period[1])
        try:
            await relay(identity(request).GrantDelegation(request_, **caller(principal)))
        except DomainError as exc:
            rename = {"department_code": "grant", "": "grant"}
            errors, status = _refused(exc, rename), exc.http_status
    if errors:
        return await _page(
            request,
            principal,
            errors=errors,
            values=values,
            items=items,
            department=code,
            status_code=status,
        )
    return PAGES.redirect(request, f"/console/delegations?department={quote(code)}&done=granted")


@router.post("/console/delegations/{grant_id}/revoke")
async def revoke(request: Request, grant_id: GrantId) -> Response:
    """Withdrawn at once: identity pushes the revocation to every service (NATS)."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    code = str(form.get("department", "")).strip()[:50]
    reason = str(form.get("reason", "")).strip()[:500]
    field = f"reason-{grant_id}"
    errors, status = pages.FormErrors(), 422
    if not reason:
        errors.add(field, "请填写撤销原因", "give the reason for revoking")
    else:
        try:
            await relay(
                identity(request).RevokeDelegation(
                    identity_pb2.RevokeDelegationRequest(delegation_id=grant_id, reason=reason),
                    **caller(principal),
                )
            )
        except DomainError as exc:
            errors, status = _refused(exc, {"delegation_id": field, "": field}), exc.http_status
    if errors:
        return await _page(request, principal, errors=errors, department=code, status_code=status)
    return PAGES.redirect(request, f"/console/delegations?department={quote(code)}&done=revoked")


# -- name a substitute, end a substitution -----------------------------------------------------

SUBSTITUTE_FIELDS = ("department", "holder_id", "substitute_id", "s_valid_from", "s_valid_until")


@router.post("/console/substitutions")
async def name_substitute(request: Request) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:50] for k in SUBSTITUTE_FIELDS}
    code = values["department"]
    _, known = await _department(request, code)
    errors = pages.FormErrors()
    if not known:
        errors.add("department", "没有这个部门", "no such department")
    if not values["holder_id"]:
        errors.add("holder_id", "请选择岗位人", "choose the post holder")
    if not values["substitute_id"]:
        errors.add("substitute_id", "请选择替代人", "choose the substitute")
    period = _period(values, "s_valid_from", "s_valid_until", errors)
    status = 422
    if not errors and period is not None:
        request_ = identity_pb2.NameSubstituteRequest(
            holder_id=values["holder_id"],
            substitute_id=values["substitute_id"],
            department_code=code,
        )
        request_.valid_from.CopyFrom(period[0])
        request_.valid_until.CopyFrom(period[1])
        try:
            await relay(identity(request).NameSubstitute(request_, **caller(principal)))
        except DomainError as exc:
            rename = {
                "department_code": "substitute_id",
                "valid_until": "s_valid_until",
                "valid_from": "s_valid_from",
                "": "name",
            }
            errors, status = _refused(exc, rename), exc.http_status
    if errors:
        return await _page(
            request, principal, errors=errors, values=values, department=code, status_code=status
        )
    return PAGES.redirect(request, f"/console/delegations?department={quote(code)}&done=named")


@router.post("/console/substitutions/{substitution_id}/end")
async def end_substitution(request: Request, substitution_id: GrantId) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    code = str(form.get("department", "")).strip()[:50]
    try:
        await relay(
            identity(request).EndSubstitution(
                identity_pb2.EndSubstitutionRequest(substitution_id=substitution_id),
                **caller(principal),
            )
        )
    except DomainError as exc:
        field = f"end-{substitution_id}"
        return await _page(
            request,
            principal,
            errors=_refused(exc, {"substitution_id": field, "": field}),
            department=code,
            status_code=exc.http_status,
        )
    return PAGES.redirect(request, f"/console/delegations?department={quote(code)}&done=ended")
