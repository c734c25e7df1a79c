"""Walk-in acceptance at the township window (T2, L1): the item's materials checklist with an
upload each, then a redirect notice (beside the item), the one-time notice (everything missing,
once) or the acceptance slip, both printable with their number as QR code; and the hand-over of
the decision at this window (L4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request, Response
from pydantic import ValidationError

from govnet_kit import catalog_replica, pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError, NotFound
from govnet_kit.web import get_runtime
from town_hall.case import walkin
from town_hall.case.models import TownOneTimeNotice
from town_hall.case.schemas import ApplicantIn
from town_hall.web.cases import case_of, step
from town_hall.web.common import PAGES, CaseNumber
from town_hall.web.console import calendar

router = PAGES.router()
Code = Annotated[str, Query(max_length=50)]
NoticeId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]


async def _form(
    request: Request,
    principal: Principal,
    *,
    item_code: str,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    item = None
    if item_code:
        async with transaction(get_runtime(request).sessions) as session:
            item = await catalog_replica.current(session, item_code)
        if item is None:
            errors = errors or pages.FormErrors()
            errors.add("item_code", f"目录中无此事项：{item_code}", f"no item {item_code} here")
    return PAGES.render(
        request,
        "apply.html",
        {
            "item": item,
            "errors": errors or pages.FormErrors(),
            "values": {"item_code": item_code, **(values or {})},
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/window/apply")
async def apply_form(request: Request, item: Code = "") -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="town")
    return await _form(request, principal, item_code=item.strip())


@router.post("/window/apply")
async def apply(request: Request) -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="town")
    form = await pages.form_data(request)
    runtime = get_runtime(request)
    item_code = str(form.get("item_code", "")).strip()[:50]
    values = {k: str(form.get(k, "")).strip() for k in ("name", "id_number")}
    errors = pages.FormErrors()
    try:
        applicant = ApplicantIn(**values)
    except ValidationError as exc:
        errors = pages.FormErrors.from_validation(exc)
    async with transaction(runtime.sessions) as session:
        item = await catalog_replica.current(session, item_code)
    files = pages.uploads(form, [m.code for m in item.materials] if item else [], errors)
    if errors:
        return await _form(request, principal, item_code=item_code, errors=errors, values=values)
    try:
        async with transaction(runtime.sessions) as session:
            outcome = await walkin.apply(
                session,
                township_code=principal.place_code,
                staff_id=principal.subject,
                item_code=item_code,
                applicant=walkin.ApplicantData(
                    name=applicant.name, id_number=applicant.id_number.upper()
                ),
                materials=[
                    walkin.MaterialData(f.code, f.filename, f.content_type, f.content)
                    for f in files
                ],
                calendar=calendar(request),
            )
    except DomainError as exc:
        errors = pages.FormErrors.from_domain(exc, rename={"": "item_code"})
        return await _form(request, principal, item_code=item_code, errors=errors, values=values)
    if outcome.kind == "redirected":
        where = {
            "town": ("乡镇便民服务大厅", "a township hall"),
            "city": ("市行政服务中心", "the city center"),
        }
        zh = "、".join(where.get(t, (t, t))[0] for t in outcome.redirect_tiers)
        en = ", ".join(where.get(t, (t, t))[1] for t in outcome.redirect_tiers)
        errors.add(
            "item_code",
            f"本事项不在本大厅受理范围内，请到{zh}申请。",
            f"This item is not accepted here; apply at {en}.",
        )
        return await _form(request, principal, item_code=item_code, errors=errors, values=values)
    if outcome.kind == "incomplete":
        assert outcome.notice is not None
        return PAGES.redirect(request, f"/window/one-time-notices/{outcome.notice.id}")
    assert outcome.case is not None
    runtime.committed()
    return PAGES.redirect(request, f"/window/cases/{outcome.case.case_number}/slip")


@router.get("/window/one-time-notices/{notice_id}")
async def one_time_notice(request: Request, notice_id: NoticeId) -> Response:
    principal = await PAGES.staff(request)
    principal.require_staff(tier="town")
    async with transaction(get_runtime(request).sessions) as session:
        notice = await session.get(TownOneTimeNotice, notice_id)
        if notice is None or notice.township_code != principal.place_code:
            raise NotFound(f"no notice {notice_id}", message_zh="无此告知书", field="notice_id")
        item = await catalog_replica.version(session, notice.item_code, notice.item_version)
    return PAGES.render(
        request, "one_time_notice.html", {"notice": notice, "item": item}, principal=principal
    )


@router.get("/window/cases/{case_number}/slip")
async def slip(request: Request, case_number: CaseNumber) -> Response:
    """The acceptance slip of a walk-in, printable on A4: number (and QR), query code, deadline,
    rights and obligations (L1)."""
    principal = await PAGES.staff(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await case_of(session, principal, case_number)
        item = await catalog_replica.version(session, case.item_code, case.item_version)
    rights_zh, _, rights_en = walkin.RIGHTS_AND_OBLIGATIONS.partition("\n")
    return PAGES.render(
        request,
        "slip.html",
        {"case": case, "item": item, "rights": (rights_zh, rights_en)},
        principal=principal,
    )


@router.post("/window/cases/{case_number}/hand-over")
async def hand_over(request: Request, case_number: CaseNumber) -> Response:
    """The decision handed over at this window: the applicant shows their ID card, an agent
    their written authorisation (the same checks as the JSON API)."""

    async def act(session, case, principal, form):  # type: ignore[no-untyped-def]
        await walkin.hand_over(
            session,
            case=case,
            staff=principal,
            recipient=str(form.get("recipient", "")),
            id_number=str(form.get("id_number", ""))[:18],
            note=str(form.get("note", ""))[:200],
        )

    return await step(request, case_number, "handed", act, "hand_over")
