"""A case at the township window: accept it (the first to take it owns it, L3), ask for a
supplement (L2), decide it under a delegated approval credential of tier "town" (A1, L4), or,
for a city item, see its escalation and send it again once fixed (decision 1); the result
document printable with the case number as text and QR code. A walk-in case's fee (C6) shows
on the page, its forms posting to web/fees.py, which answers with this page when refused."""

from __future__ import annotations

import grpc
from fastapi import Request, Response
from pydantic import ValidationError

from govnet.common.v1 import case_pb2
from govnet_kit import calls, fee_pages, pages
from govnet_kit.auth import Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import Conflict, DomainError, InvalidArgument
from govnet_kit.fee_http import fee_out
from govnet_kit.grpcutil import domain_error
from govnet_kit.result_document import ResultDocument
from govnet_kit.web import get_runtime
from town_hall.case import router as case_api
from town_hall.case import service as case_service
from town_hall.case import steps
from town_hall.case.models import TownCase
from town_hall.case.schemas import CredentialIn, DecisionIn
from town_hall.fee import service as fee_service
from town_hall.web import service as web_service
from town_hall.web.common import HANDLING, PAGES, CaseNumber, status_label
from town_hall.web.console import calendar

router = PAGES.router()
DONE_FLASH = {
    "accepted": ("已接办，您是本件的首问责任人。", "Taken: you own this case now."),
    "suspended": ("已中止，等待申请人补正。", "Suspended until the applicant supplements."),
    "decided": ("已作出决定。", "Decided."),
    "requeued": ("已重新报送。", "Sent to the city again."),
    "handed": ("已发放，领取人已签收。", "Handed over."),
    **fee_pages.DONE,
}


async def case_of(session, principal: Principal, case_number: str) -> TownCase:  # type: ignore[no-untyped-def]
    principal.require_staff(tier="town")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.township_code)
    return case


async def render_case(
    request: Request,
    principal: Principal,
    case_number: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int | None = None,
) -> Response:
    """The case page; a refused form's post answers with it, errors beside their fields."""
    lang = pages.language(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await case_of(session, principal, case_number)
        item = await steps.item_of(session, case)
        materials = await web_service.materials(session, case)
        decision = await case_service.stored_decision(session, case_number)
        escalation = (
            None if case_service.decided_here(case) else await web_service.escalation(session, case)
        )
        fee = None
        if fee_service.collected_here(case):  # assessed on first look, as at the village
            charge = await fee_service.charge_for(session, case, actor=principal.subject)
            fee = fee_out(case.case_number, charge)
    done = request.query_params.get("done", "")
    flash = DONE_FLASH.get(done)
    open_here = case_service.decided_here(case) and case.status not in web_service.DONE
    return PAGES.render(
        request,
        "case.html",
        {
            "case": case,
            "item": item,
            "status": status_label(case.status, lang),
            "clock": web_service.clock(case, calendar(request), utcnow()),
            "handling": HANDLING.get(case.handling, (case.handling, case.handling))[lang != "zh"],
            "materials": materials,
            "decision": decision,
            "decision_status": status_label(decision.status, lang) if decision else "",
            "escalation": escalation,
            "can_accept": open_here
            and case.status
            in (case_pb2.CASE_STATUS_PENDING_DECISION, case_pb2.CASE_STATUS_ACCEPTED),
            "can_decide": open_here and case.status != case_pb2.CASE_STATUS_SUSPENDED,
            "can_suspend": open_here and case.status != case_pb2.CASE_STATUS_SUSPENDED,
            "can_hand_over": case.walk_in and decision is not None and not decision.handed_over_at,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": (flash[0] if lang == "zh" else flash[1]) if flash else "",
            "fee": fee,
            **(
                fee_pages.case_context(
                    prefix="/window",
                    case_number=case.case_number,
                    fee=fee,
                    item=item,
                    lang=lang,
                    values=values,
                )
                if fee
                else {}
            ),
        },
        status_code=status_code or (422 if errors else 200),
        principal=principal,
    )


@router.get("/window/cases/{case_number}")
async def case_page(request: Request, case_number: CaseNumber) -> Response:
    return await render_case(request, await PAGES.staff(request), case_number)


async def step(  # type: ignore[no-untyped-def]
    request: Request, case_number: str, done: str, action, error_field: str, prepare=None
):
    """One step in one transaction; a refusal is said beside the step's own form. `prepare`
    runs first, outside the transaction (a call to another service holds no row lock)."""
    principal = await PAGES.staff(request)
    form = await pages.form_data(request)
    runtime = get_runtime(request)
    try:
        ready = await prepare(principal, form) if prepare else None
        async with transaction(runtime.sessions) as session:
            case = await steps.locked_case(session, case_number)
            principal.require_staff(tier="town")
            principal.require_place(case.township_code)
            await action(session, case, principal, form, *([ready] if prepare else []))
    except DomainError as exc:
        values = {k: str(v) for k, v in form.items() if k != pages.CSRF_FIELD}
        return await render_case(
            request,
            principal,
            case_number,
            errors=pages.FormErrors.from_domain(exc, rename={"": error_field}),
            values=values,
        )
    runtime.committed()
    return PAGES.redirect(request, f"/window/cases/{case_number}?done={done}")


@router.post("/window/cases/{case_number}/accept")
async def accept(request: Request, case_number: CaseNumber) -> Response:
    async def act(session, case, principal, form):  # type: ignore[no-untyped-def]
        await steps.claim(session, case=case, staff=principal)

    return await step(request, case_number, "accepted", act, "accept")


@router.post("/window/cases/{case_number}/suspension")
async def suspend(request: Request, case_number: CaseNumber) -> Response:
    async def act(session, case, principal, form):  # type: ignore[no-untyped-def]
        await steps.suspend(
            session,
            case=case,
            staff=principal,
            request=steps.SupplementInput(
                material_codes=[str(c) for c in form.getlist("material_codes")][:50],
                note=str(form.get("note", ""))[:1000],
            ),
            calendar=calendar(request),
        )

    return await step(request, case_number, "suspended", act, "material_codes")


@router.post("/window/cases/{case_number}/decision")
async def decide(request: Request, case_number: CaseNumber) -> Response:
    """The same exchange and decision as the JSON API: the credential is asked of identity
    with the staff member's own session, checked, and the decision made under it."""
    runtime = get_runtime(request)

    async def prepare(principal, form):  # type: ignore[no-untyped-def]
        try:
            body = DecisionIn(
                outcome=str(form.get("outcome", "")),  # type: ignore[arg-type]
                legal_reason=str(form.get("legal_reason", "")),
            )
        except ValidationError as exc:
            raise _invalid(exc) from exc
        async with transaction(runtime.sessions) as session:
            case = await case_of(session, principal, case_number)
        try:
            exchanged = await case_api.approval_credential(
                CredentialIn(department_code=case.department_code), principal, runtime
            )
        except grpc.aio.AioRpcError as exc:  # identity down or slow: said, not a 500
            raise domain_error(exc) from exc
        return body, await runtime.approval_credential(exchanged.approval_credential)

    async def act(session, case, principal, form, ready):  # type: ignore[no-untyped-def]
        body, credential = ready
        await steps.decide(
            session,
            case_number=case.case_number,
            staff=principal,
            credential=credential,
            decision=steps.DecisionInput(outcome=body.outcome, legal_reason=body.legal_reason),
        )

    return await step(request, case_number, "decided", act, "decision", prepare)


def _invalid(exc: ValidationError) -> DomainError:
    err = exc.errors()[0]
    name = str(err["loc"][-1]) if err["loc"] else "decision"
    zh = "请选择准予或不予许可" if name == "outcome" else "格式不正确"
    return InvalidArgument(err["msg"], message_zh=zh, field=name)


@router.post("/window/cases/{case_number}/escalation")
async def send_again(request: Request, case_number: CaseNumber) -> Response:
    """A city item the city refused (needs fixing): once fixed, send it up again."""

    async def act(session, case, principal, form):  # type: ignore[no-untyped-def]
        call = await web_service.escalation(session, case)
        if call is None or call.done_at is not None or call.needs_fixing_at is None:
            raise Conflict(
                "only an escalation the city refused is sent again by hand",
                message_zh="只有被市级退回的报送才需要重新报送",
            )
        await calls.requeue(session, call)

    return await step(request, case_number, "requeued", act, "escalation")


@router.get("/window/cases/{case_number}/document")
async def document(request: Request, case_number: CaseNumber) -> Response:
    """The result document or refusal letter, printable on A4 with the number as QR code."""
    principal = await PAGES.staff(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await case_of(session, principal, case_number)
        record = await steps.decision_of(session, case)
        item = await steps.item_of(session, case)
    lang = pages.language(request)
    doc = ResultDocument(
        title=record.document_title,
        case_number=case.case_number,
        item=f"{item.code} {item.name_zh if lang == 'zh' else item.name_en}",
        decision=status_label(record.status, lang),
        document_number=record.result_document_number,
        when=record.decided_at,
        text=record.document_text,
        legal_reason=record.legal_reason,
        place_code=case.township_code,
        back_url=f"/window/cases/{case.case_number}",
    )
    return PAGES.render(request, "result_document.html", {"doc": doc}, principal=principal)
