"""The administrator's console: catalog drafts and publishing (C1), departments' stationing
(C4) and the working-day table (decision 6). The same domain functions as the administrator's
JSON API (`city_center.catalog.admin_router`, `calendar_router`).

Its other pages: the places register (`places`, T3: township halls and village rooms, their
address, hours and phone; `/api/v1/places`); staff accounts (`accounts`) and delegations
(`delegations`), which live in identity and are relayed to it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request, Response
from pydantic import ValidationError

from city_center.catalog import records, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.dependencies import actor
from city_center.catalog.schemas import DepartmentPatch, ItemSpec
from city_center.web import service as web_service
from city_center.web.common import CONSOLE, PAGES, ItemCode, flash, render, staff_of
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import pages
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime

router = PAGES.router()
Version = Annotated[int, Path(ge=1, le=100000)]
# The fields of a draft the console edits; the rest is kept as the draft has it (the JSON API
# and the YAML/CSV import write every field).
EDITABLE = (
    "name_zh",
    "name_en",
    "legal_basis_zh",
    "legal_basis_en",
    "time_limit_days",
    "extension_days",
    "fee_basis_zh",
    "fee_basis_en",
    "fee_fen",
    "window_phone",
    "complaint_phone",
)
FLAGS = ("online_application",)
OPTIONAL_NUMBERS = ("extension_days", "fee_fen")
DONE = {
    "published": (
        "已发布，公开目录和各级服务即时生效。",
        "Published: the public catalog and every tier have it now.",
    ),
    "deleted": ("草稿已删除。", "Draft deleted."),
    "saved": ("草稿已保存。", "Draft saved."),
    "stationing": ("进驻情况已更新。", "Stationing updated."),
}


async def _home(
    request: Request,
    principal: Any,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        drafts = await catalog_service.drafts(session)
        departments = await stationing.departments(session)
        gaps = {g.department_code: g for g in await stationing.gaps(session)}
    return render(
        request,
        "console.html",
        {
            "drafts": drafts,
            "departments": departments,
            "gaps": gaps,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": flash(request, DONE),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/console")
async def console(request: Request) -> Response:
    return await _home(request, await staff_of(request, CONSOLE))


@router.post("/console/drafts")
async def new_draft(request: Request) -> Response:
    """The next version of an item, copied from the one in force (which stays in force)."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    code = str(form.get("code", "")).strip().upper()[:50]
    try:
        async with transaction(get_runtime(request).sessions) as session:
            row = await catalog_service.draft_next_version(
                session, code=code, actor=actor(principal)
            )
            version = row.version
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"item_code": "code", "": "code"})
        return await _home(
            request, principal, errors=errors, values={"code": code}, status_code=exc.http_status
        )
    return PAGES.redirect(request, f"/console/drafts/{code}/{version}")


async def _draft_page(
    request: Request,
    principal: Any,
    code: str,
    version: int,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        row = await web_service.draft(session, code, version)
        in_force = await catalog_service.search(session, catalog_service.Search(q=code, limit=5))
    spec = records.to_spec(catalog_pb2.CatalogItem.FromString(row.record))
    current = next((i for i in in_force[0] if i.code == code), None)
    return render(
        request,
        "console_draft.html",
        {
            "row": row,
            "spec": spec,
            "current": current,
            "errors": errors or pages.FormErrors(),
            "values": values or {k: str(getattr(spec, k)) for k in EDITABLE},
            "checked": {k: getattr(spec, k) for k in FLAGS}
            if values is None
            else {k: bool(values.get(k)) for k in FLAGS},
            "flash": flash(request, DONE),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/console/drafts/{code}/{version}")
async def draft_page(request: Request, code: ItemCode, version: Version) -> Response:
    return await _draft_page(request, await staff_of(request, CONSOLE), code, version)


@router.post("/console/drafts/{code}/{version}")
async def save_draft(request: Request, code: ItemCode, version: Version) -> Response:
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    values: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in EDITABLE}
    for name in OPTIONAL_NUMBERS:  # left empty: none
        values[name] = values[name] or "0"
    values.update({k: form.get(k) == "on" for k in FLAGS})
    runtime = get_runtime(request)
    try:
        async with transaction(runtime.sessions) as session:
            row = await web_service.draft(session, code, version)
            spec = records.to_spec(catalog_pb2.CatalogItem.FromString(row.record))
            edited = ItemSpec.model_validate({**spec.model_dump(), **values})
            await catalog_service.update_draft(
                session, code=code, version=version, spec=edited, actor=actor(principal)
            )
    except (ValidationError, DomainError) as exc:
        errors = (
            pages.FormErrors.from_validation(exc)
            if isinstance(exc, ValidationError)
            else pages.FormErrors.from_domain(exc, rename={"": "save"})
        )
        status = 422 if isinstance(exc, ValidationError) else exc.http_status
        return await _draft_page(
            request, principal, code, version, errors=errors, values=values, status_code=status
        )
    return PAGES.redirect(request, f"/console/drafts/{code}/{version}?done=saved")


@router.post("/console/drafts/{code}/{version}/publish")
async def publish(request: Request, code: ItemCode, version: Version) -> Response:
    """Freeze the draft, retire the version in force, replicate it to the lower tiers."""
    principal = await staff_of(request, CONSOLE)
    await pages.form_data(request)
    runtime = get_runtime(request)
    try:
        async with transaction(runtime.sessions) as session:
            await catalog_service.publish_draft(
                session, code=code, version=version, actor=actor(principal)
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "publish"})
        return await _draft_page(
            request, principal, code, version, errors=errors, status_code=exc.http_status
        )
    runtime.committed()
    return PAGES.redirect(request, "/console?done=published")


@router.post("/console/drafts/{code}/{version}/delete")
async def delete(request: Request, code: ItemCode, version: Version) -> Response:
    principal = await staff_of(request, CONSOLE)
    await pages.form_data(request)
    async with transaction(get_runtime(request).sessions) as session:
        await catalog_service.delete_draft(
            session, code=code, version=version, actor=actor(principal)
        )
    return PAGES.redirect(request, "/console?done=deleted")


@router.post("/console/departments/{code}/stationing")
async def station(
    request: Request, code: Annotated[str, Path(max_length=50, pattern=r"^[a-z][a-z0-9_]*$")]
) -> Response:
    """A department's window is (or is no longer) in the center (C4)."""
    principal = await staff_of(request, CONSOLE)
    form = await pages.form_data(request)
    stationed = form.get("stationed") == "yes"
    async with transaction(get_runtime(request).sessions) as session:
        await stationing.patch_department(
            session, code=code, patch=DepartmentPatch(stationed=stationed), actor=actor(principal)
        )
    return PAGES.redirect(request, "/console?done=stationing#departments")
