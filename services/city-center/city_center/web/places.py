"""The administrator's places register on the console (issue 8, T3 "a registered place and
hours"): the list with its filters and the form of a new place; one place's page to edit it and
to deactivate or reactivate it. The same domain functions as `/api/v1/places`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request, Response
from pydantic import ValidationError

from city_center.catalog.dependencies import actor
from city_center.place import service as place_service
from city_center.place.models import TOWN, VILLAGE, Place
from city_center.place.schemas import PlacePatch, PlaceSpec
from city_center.web.common import CONSOLE, PAGES, flash, pick, render, staff_of
from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime

router = PAGES.router()
PlaceCode = Annotated[str, Path(pattern=r"^[0-9]{12}$")]
NEW = ("code", "tier", "parent_code", *place_service.EDITABLE)
TIERS = {TOWN: ("乡镇便民服务中心", "Township hall"), VILLAGE: ("村便民服务室", "Village room")}
DONE = {
    "registered": ("场所已登记。", "The place is registered."),
    "saved": ("场所信息已保存。", "The place is saved."),
    "deactivated": ("场所已停用，不再公开。", "The place is deactivated and no longer public."),
    "reactivated": ("场所已恢复，重新公开。", "The place is reactivated and public again."),
}


def _refused(exc: ValidationError | DomainError, button: str) -> tuple[pages.FormErrors, int]:
    """Beside the field named; the form's button otherwise."""
    if isinstance(exc, ValidationError):
        return pages.FormErrors.from_validation(exc), 422
    return pages.FormErrors.from_domain(exc, rename={"": button}), exc.http_status


def _filters(request: Request) -> tuple[place_service.Filter, dict[str, str], pages.FormErrors]:
    """The list's filters from the query; a malformed one is said beside it and not applied."""
    shown = {k: request.query_params.get(k, "").strip()[:100] for k in ("tier", "parent", "q")}
    shown["active"] = request.query_params.get("active", "")
    errors = pages.FormErrors()
    if shown["tier"] not in ("", TOWN, VILLAGE):
        errors.add("filter_tier", "请从选项中选择", "choose one of the options")
    if shown["parent"] and not (shown["parent"].isascii() and shown["parent"].isdigit()):
        errors.add("filter_parent", "应为12位数字", "12 digits")
    where = place_service.Filter(
        tier=shown["tier"] if "filter_tier" not in errors.by_field else None,
        parent=shown["parent"] if "filter_parent" not in errors.by_field else None,
        q=shown["q"] or None,
        active={"yes": True, "no": False}.get(shown["active"]),
    )
    return where, shown, errors


async def place_options(request: Request) -> list[tuple[str, str]]:
    """The active places as (code, name), offered where a form asks for a place code (the
    staff account's scope): a code typed by hand still goes, identity decides."""
    lang = pages.language(request)
    where = place_service.Filter(active=True)
    async with transaction(get_runtime(request).sessions) as session:
        found = await place_service.places(session, where)
    return [(p.code, pick(lang, p.name_zh, p.name_en)) for p in found]


def _names(request: Request) -> dict[str, Any]:
    lang = pages.language(request)
    return {
        "tier_names": {k: pick(lang, *v) for k, v in TIERS.items()},
        "tier_options": [("", pick(lang, "请选择", "choose"))]
        + [(k, pick(lang, *v)) for k, v in TIERS.items()],
    }


async def _list_page(
    request: Request,
    principal: Principal,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    where, shown, filter_errors = _filters(request)
    errors = errors or pages.FormErrors()
    for name, message in filter_errors.by_field.items():
        errors.add(name, *message)
    async with transaction(get_runtime(request).sessions) as session:
        found = await place_service.places(session, where)
        townships = await place_service.places(
            session, place_service.Filter(tier=TOWN, active=True)
        )
    lang = pages.language(request)
    return render(
        request,
        "console_places.html",
        {
            **_names(request),
            "places": found,
            "filters": shown,
            "parent_options": [
                (
                    "",
                    pick(
                        lang,
                        "按代码确定（乡镇的上级为本市）",
                        "from the code (a township's is the city)",
                    ),
                )
            ]
            + [(t.code, f"{pick(lang, t.name_zh, t.name_en)} ({t.code})") for t in townships],
            "errors": errors,
            "values": values or {},
            "flash": flash(request, DONE),
        },
        status_code=max(status_code, 422 if filter_errors else 200),
        principal=principal,
    )


@router.get("/console/places")
async def places_list(request: Request) -> Response:
    """Every registered place, filtered by `tier`, `parent` (a township's code), `q` (in the code
    or a name) and `active` (`yes`/`no`); with the form of a new place."""
    return await _list_page(request, await staff_of(request, CONSOLE))


@router.post("/console/places")
async def register(request: Request) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:400] for k in NEW}
    runtime = get_runtime(request)
    try:
        spec = PlaceSpec.model_validate(values)
        async with transaction(runtime.sessions) as session:
            await place_service.register(
                session,
                spec=spec,
                city_code=runtime.settings.place_code,  # type: ignore[attr-defined]
                actor=actor(principal),
            )
    except (ValidationError, DomainError) as exc:
        errors, status = _refused(exc, "register")
        return await _list_page(
            request, principal, errors=errors, values=values, status_code=status
        )
    return PAGES.redirect(request, f"/console/places/{spec.code}?done=registered")


async def _place_page(
    request: Request,
    principal: Principal,
    code: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        place: Place = await place_service.get(session, code)
        parent = await session.get(Place, place.parent_code)
    return render(
        request,
        "console_place.html",
        {
            **_names(request),
            "place": place,
            "parent": parent,
            "errors": errors or pages.FormErrors(),
            "values": values or {k: getattr(place, k) for k in place_service.EDITABLE},
            "flash": flash(request, DONE),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/console/places/{code}")
async def place_page(request: Request, code: PlaceCode) -> Response:
    return await _place_page(request, await staff_of(request, CONSOLE), code)


@router.post("/console/places/{code}")
async def edit(request: Request, code: PlaceCode) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")).strip()[:400] for k in place_service.EDITABLE}
    try:
        patch = PlacePatch.model_validate(values)
        async with transaction(get_runtime(request).sessions) as session:
            await place_service.edit(session, code=code, patch=patch, actor=actor(principal))
    except (ValidationError, DomainError) as exc:
        errors, status = _refused(exc, "save")
        return await _place_page(
            request, principal, code, errors=errors, values=values, status_code=status
        )
    return PAGES.redirect(request, f"/console/places/{code}?done=saved")


@router.post("/console/places/{code}/active")
async def set_active(request: Request, code: PlaceCode) -> Response:
    """Deactivate (`active=no`) or reactivate (`active=yes`); a refusal beside the button."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    active = form.get("active") == "yes"
    try:
        async with transaction(get_runtime(request).sessions) as session:
            await place_service.set_active(
                session, code=code, active=active, actor=actor(principal)
            )
    except DomainError as exc:
        errors, status = _refused(exc, "active")
        return await _place_page(request, principal, code, errors=errors, status_code=status)
    done = "reactivated" if active else "deactivated"
    return PAGES.redirect(request, f"/console/places/{code}?done={done}")
