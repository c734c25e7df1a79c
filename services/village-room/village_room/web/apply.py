"""Apply as agent: the item's materials checklist with an upload per material, then the
one-time notice (everything missing, once) or the acceptance slip (L1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from govnet_kit import catalog_replica, pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from village_room.case import service as case_service
from village_room.case.router import application_out, calendar
from village_room.case.schemas import MATERIAL_TYPES, MAX_MATERIAL_BYTES, ApplicantIn
from village_room.visit import service as visit_service
from village_room.web import service as web_service
from village_room.web.common import PAGES

router = PAGES.router()
APPLICANT_FIELDS = ("name", "id_number", "phone", "language", "channel")
Code = Annotated[str, Query(max_length=50)]
VisitId = Annotated[str, Query(max_length=36, pattern=r"^[0-9a-fA-F-]*$")]


async def _form(
    request: Request,
    principal: Principal,
    *,
    item_code: str,
    visit_id: str,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    item = None
    if item_code:
        async with transaction(get_runtime(request).sessions) as session:
            item = await catalog_replica.current(session, item_code)
        if item is None:
            errors = errors or pages.FormErrors()
            errors.add("item_code", f"本地目录中无此事项：{item_code}", f"no item {item_code} here")
    return PAGES.render(
        request,
        "apply.html",
        {
            "item": item,
            "visit_id": visit_id,
            "errors": errors or pages.FormErrors(),
            "values": {"item_code": item_code, **(values or {})},
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/duty/apply")
async def apply_form(request: Request, item: Code = "", visit: VisitId = "") -> Response:
    """Without an item: ask which one; with one: its checklist and the applicant's details."""
    principal = await PAGES.staff(request)
    principal.require_staff(tier="village")
    return await _form(request, principal, item_code=item.strip(), visit_id=visit)


def _materials(
    form: Any, item_codes: list[str], errors: pages.FormErrors
) -> list[case_service.MaterialData]:
    """One upload per required material; an empty file input is a material not brought."""
    out = []
    for code in item_codes:
        upload = form.get(f"file_{code}")
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        content = upload.file.read(MAX_MATERIAL_BYTES + 1)
        if len(content) > MAX_MATERIAL_BYTES:
            errors.add(f"file_{code}", "文件超过 20 MiB", "larger than 20 MiB")
        elif upload.content_type not in MATERIAL_TYPES:
            errors.add(
                f"file_{code}",
                "只接受 PDF、JPEG、PNG、TIFF 文件",
                "only PDF, JPEG, PNG or TIFF files are accepted",
            )
        elif content:
            out.append(
                case_service.MaterialData(
                    code=code,
                    filename=upload.filename[-200:],
                    content_type=upload.content_type,
                    content=content,
                )
            )
    return out


@router.post("/duty/apply")
async def apply(request: Request) -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="village")
    form = await pages.form_data(request)
    runtime = get_runtime(request)
    item_code = str(form.get("item_code", "")).strip()
    visit_id = str(form.get("visit_id", "")).strip()
    values = {k: str(form.get(k, "")) for k in APPLICANT_FIELDS}
    errors = pages.FormErrors()
    try:
        applicant = ApplicantIn(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
    async with transaction(runtime.sessions) as session:
        item = await catalog_replica.current(session, item_code)
    codes = [m.code for m in item.materials] if item else []
    materials = _materials(form, codes, errors)
    if errors:
        return await _form(
            request, principal, item_code=item_code, visit_id=visit_id, errors=errors, values=values
        )
    try:
        async with transaction(runtime.sessions) as session:
            visit = (
                await visit_service.get_for_place(
                    session, visit_id=visit_id, place_code=principal.place_code
                )
                if visit_id
                else None
            )
            outcome = await case_service.apply(
                session,
                place_code=principal.place_code,
                staff_id=principal.subject,
                item_code=item_code,
                applicant=case_service.ApplicantData(**applicant.model_dump()),
                materials=materials,
                visit=visit,
                calendar=await calendar(session, runtime),
            )
    except DomainError as exc:
        return await _form(
            request,
            principal,
            item_code=item_code,
            visit_id=visit_id,
            errors=pages.FormErrors.from_domain(exc),
            values=values,
        )
    out = application_out(outcome, runtime, Response())  # the API's own texts, and its wake-up
    if out.redirect_notice is not None:
        redirect = pages.FormErrors()
        redirect.add("item_code", out.redirect_notice.text_zh, out.redirect_notice.text_en)
        return await _form(
            request,
            principal,
            item_code=item_code,
            visit_id=visit_id,
            errors=redirect,
            values=values,
        )
    if out.one_time_notice is not None:
        return PAGES.redirect(request, f"/duty/notices/{out.one_time_notice.notice_id}")
    assert out.acceptance_slip is not None
    return PAGES.redirect(request, f"/duty/cases/{out.acceptance_slip.case_number}/slip")


@router.get("/duty/notices/{notice_id}")
async def notice(
    request: Request, notice_id: Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
) -> Response:
    """The one-time notice, printable: every missing material, told once (L1)."""
    principal = await PAGES.staff(request)
    principal.require_staff(tier="village")
    async with transaction(get_runtime(request).sessions) as session:
        found = await web_service.notice_for_place(
            session, notice_id=notice_id, place_code=principal.place_code
        )
        item = await web_service.item_of(session, found.item_code, found.item_version)
    return PAGES.render(
        request, "notice.html", {"notice": found, "item": item}, principal=principal
    )
