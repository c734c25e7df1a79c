"""A case at the village: the printable acceptance slip, the case page with its fee, its record
of steps and the reply, the reply's document printed for the applicant, and its hand-over (T4). The fee's forms post to
web/fees.py, which answers with this page when the domain refuses."""

from __future__ import annotations

from fastapi import Request, Response

from govnet.common.v1 import case_pb2
from govnet_kit import fee_pages, pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict, DomainError
from govnet_kit.result_document import ARRIVED, ResultDocument
from govnet_kit.web import get_runtime
from village_room.case import service as case_service
from village_room.case import steps as case_steps
from village_room.case.router import steps_out
from village_room.fee import flows as fee_flows
from village_room.fee import router as fee_router
from village_room.fee import service as fee_service
from village_room.web import service as web_service
from village_room.web.common import PAGES, CaseNumber, flash, status_label

router = PAGES.router()
DONE = {
    "handed": ("已发放，申请人已签收。", "Handed over to the applicant."),
    **fee_pages.DONE,
}


async def staff_case(session, principal: Principal, case_number: str):  # type: ignore[no-untyped-def]
    """The case, for the village staff of its place only (the fee API's own check)."""
    principal.require_staff(tier="village")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.place_code)
    return case


@router.get("/duty/cases/{case_number}/slip")
async def slip(request: Request, case_number: CaseNumber) -> Response:
    """The acceptance slip, printable on A4: number, query code, deadline, rights (L1)."""
    principal = await PAGES.staff(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await staff_case(session, principal, case_number)
        item = await web_service.item_of(session, case.item_code, case.item_version)
    rights_zh, _, rights_en = case_service.RIGHTS_AND_OBLIGATIONS.partition("\n")
    return PAGES.render(
        request,
        "slip.html",
        {"case": case, "item": item, "rights": (rights_zh, rights_en)},
        principal=principal,
    )


@router.get("/duty/cases/{case_number}/document")
async def document(request: Request, case_number: CaseNumber) -> Response:
    """The decision that came down, printed on A4 for the applicant to take away and sign for:
    the result document or the refusal letter, the case number as text and as a QR code."""
    principal = await PAGES.staff(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await staff_case(session, principal, case_number)
        reply = await case_service.reply_of(session, case)
        item = await web_service.item_of(session, case.item_code, case.item_version)
    if reply is None:
        raise Conflict(
            f"case {case_number} has no reply yet", message_zh="该办件尚无答复", field="case_number"
        )
    lang = pages.language(request)
    doc = ResultDocument(
        title=reply.document_title,
        case_number=case.case_number,
        item=f"{item.code} {item.name_zh if lang == 'zh' else item.name_en}",
        decision=status_label(reply.decision_status, lang),
        document_number=reply.result_document_number,
        when=reply.ready_at,
        when_label=ARRIVED,
        text=reply.document_text,
        legal_reason=reply.legal_reason,
        place_code=case.place_code,
        back_url=f"/duty/cases/{case.case_number}",
    )
    return PAGES.render(request, "result_document.html", {"doc": doc}, principal=principal)


async def render_case(
    request: Request,
    principal: Principal,
    case_number: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; a refused form's post answers with it, errors beside their fields."""
    runtime = get_runtime(request)
    async with transaction(runtime.sessions) as session:
        case = await staff_case(session, principal, case_number)
        pending = await fee_service.pending_orders(session, case=case)
    if pending:  # as the fee API's read does: an online payment with no callback yet is asked
        provider = fee_router.payment_provider(request.app)
        await fee_flows.reconcile(runtime.sessions, provider, case=case)
    async with transaction(runtime.sessions) as session:
        case = await staff_case(session, principal, case_number)
        charge = await fee_service.charge_for(session, case, actor=principal.subject)
        fee = fee_router.fee_out(case, charge, await fee_service.latest_order(session, charge))
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
            "flash": flash(request, DONE),
            **fee_pages.case_context(
                prefix="/duty",
                case_number=case.case_number,
                fee=fee,
                item=item,
                lang=lang,
                values=values,
            ),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/duty/cases/{case_number}")
async def case_page(request: Request, case_number: CaseNumber) -> Response:
    return await render_case(request, await PAGES.staff(request), case_number)


@router.post("/duty/cases/{case_number}/hand-over")
async def hand_over(request: Request, case_number: CaseNumber) -> Response:
    principal = await PAGES.staff(request)
    await pages.form_data(request)
    runtime = get_runtime(request)
    try:
        async with transaction(runtime.sessions) as session:
            case = await staff_case(session, principal, case_number)
            await case_steps.hand_over(session, case=case, staff_id=principal.subject)
    except DomainError as exc:
        # A fee still due (or a step out of order) is said beside the button, not as a 4xx page.
        errors = pages.FormErrors.from_domain(exc, rename={"fee": "hand_over", "": "hand_over"})
        return await render_case(request, principal, case_number, errors=errors, status_code=409)
    runtime.committed()
    return PAGES.redirect(request, f"/duty/cases/{case_number}?done=handed")
