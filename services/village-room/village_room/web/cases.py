"""A case at the village: the printable acceptance slip, the case page with its record of
steps and the reply, and the hand-over of the document (T4)."""

from __future__ import annotations

from fastapi import Request, Response

from govnet.common.v1 import case_pb2
from govnet_kit import pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import DomainError
from govnet_kit.web import get_runtime
from village_room.case import service as case_service
from village_room.case import steps as case_steps
from village_room.case.router import steps_out
from village_room.web import service as web_service
from village_room.web.common import PAGES, CaseNumber, status_label

router = PAGES.router()


async def _staff_case(session, principal: Principal, case_number: str):  # type: ignore[no-untyped-def]
    principal.require_staff(tier="village")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.place_code)
    return case


@router.get("/duty/cases/{case_number}/slip")
async def slip(request: Request, case_number: CaseNumber) -> Response:
    """The acceptance slip, printable on A4: number, query code, deadline, rights (L1)."""
    principal = await PAGES.staff(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await _staff_case(session, principal, case_number)
        item = await web_service.item_of(session, case.item_code, case.item_version)
    rights_zh, _, rights_en = case_service.RIGHTS_AND_OBLIGATIONS.partition("\n")
    return PAGES.render(
        request,
        "slip.html",
        {"case": case, "item": item, "rights": (rights_zh, rights_en)},
        principal=principal,
    )


async def _case_page(
    request: Request, principal: Principal, case_number: str, errors: pages.FormErrors | None = None
) -> Response:
    async with transaction(get_runtime(request).sessions) as session:
        case = await _staff_case(session, principal, case_number)
        reply = await case_service.reply_of(session, case)
        steps = await case_steps.record(session, case)
        item = await web_service.item_of(session, case.item_code, case.item_version)
    lang = pages.language(request)
    return PAGES.render(
        request,
        "case.html",
        {
            "case": case,
            "item": item,
            "status": status_label(case.status, lang),
            "reply": reply,
            "decision": status_label(reply.decision_status, lang) if reply else "",
            "steps": [
                (s, status_label(raw.status, lang))
                for s, raw in zip(steps_out(steps), steps, strict=True)
            ],
            "can_hand_over": case.status == case_pb2.CASE_STATUS_REPLY_READY,
            "errors": errors or pages.FormErrors(),
            "flash": _flash(request),
        },
        status_code=409 if errors else 200,
        principal=principal,
    )


def _flash(request: Request) -> str:
    if request.query_params.get("done") != "handed":
        return ""
    return (
        "已发放，申请人已签收。"
        if pages.language(request) == "zh"
        else "Handed over to the applicant."
    )


@router.get("/duty/cases/{case_number}")
async def case_page(request: Request, case_number: CaseNumber) -> Response:
    return await _case_page(request, await PAGES.staff(request), case_number)


@router.post("/duty/cases/{case_number}/hand-over")
async def hand_over(request: Request, case_number: CaseNumber) -> Response:
    principal = await PAGES.staff(request)
    await pages.form_data(request)
    runtime = get_runtime(request)
    try:
        async with transaction(runtime.sessions) as session:
            case = await _staff_case(session, principal, case_number)
            await case_steps.hand_over(session, case=case, staff_id=principal.subject)
    except DomainError as exc:
        # A fee still due (or a step out of order) is said beside the button, not as a 4xx page.
        errors = pages.FormErrors.from_domain(exc, rename={"fee": "hand_over", "": "hand_over"})
        return await _case_page(request, principal, case_number, errors)
    runtime.committed()
    return PAGES.redirect(request, f"/duty/cases/{case_number}?done=handed")
