"""The chief representative's desk (T1, A1, L6): the cases waiting for the department, one case
with its materials, record and joint meeting, and the decision under the delegated credential.

Deciding takes two steps the JSON API leaves to its client, here in one post: the center
relays the exchange of the representative's session for an approval credential to identity,
then decides under it. The credential lives for that request only; the browser never holds it.
"""

from __future__ import annotations

from typing import Any

import grpc
from fastapi import Request, Response
from pydantic import ValidationError

from city_center.case import hand_over, joint, steps
from city_center.case import router as case_api
from city_center.case import service as case_service
from city_center.case.models import CaseDecision
from city_center.case.schemas import (
    ConveneIn,
    CredentialIn,
    DecisionIn,
    ExtendIn,
    OpinionIn,
    SuspendIn,
)
from city_center.catalog import service as catalog_service
from city_center.supervision import service as supervision_service
from city_center.web import service as web_service
from city_center.web.common import DESK, PAGES, CaseNumber, flash, render, staff_of, status_label
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import pages
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import DomainError, PermissionDenied
from govnet_kit.grpcutil import domain_error
from govnet_kit.runtime import Runtime
from govnet_kit.tiers import handling_at
from govnet_kit.web import get_runtime

router = PAGES.router()
WAITING = {
    case_pb2.CASE_STATUS_PENDING_DECISION,
    case_pb2.CASE_STATUS_IN_REVIEW,
    case_pb2.CASE_STATUS_SUSPENDED,
}
DONE = {
    "approved": (
        "已准予许可，文书已生成：网上申请的在“待发放结果”中发放，其余发往受理地。",
        "Approved; the document is ready: an online application's is handed over from"
        " Results to hand over, any other goes down to where the case was accepted.",
    ),
    "refused": (
        "已作出不予许可决定：网上申请的决定书在“待发放结果”中发放，其余发往受理地。",
        "Refused; an online application's letter is handed over from Results to hand over,"
        " any other goes down to where the case was accepted.",
    ),
    "convened": ("联席会议已召集。", "The joint meeting is convened."),
    "opinion": ("意见已提交。", "Your department's opinion is recorded."),
    "suspended": (
        "已要求补正，计时中止；补正材料送达后自动恢复。",
        "Supplement asked for; the clock stops until it arrives.",
    ),
    "extended": ("办理期限已延长。", "The time limit is extended."),
}


@router.get("/desk")
async def desk(request: Request) -> Response:
    principal = await staff_of(request, DESK)
    async with transaction(get_runtime(request).sessions) as session:
        waiting, decided = await case_service.desk_cases(
            session, department_code=principal.department_code, waiting=WAITING
        )
        cases = waiting + decided
        meetings = await web_service.meetings_waiting_for(session, principal.department_code)
        to_hand_over = await hand_over.to_hand_over(
            session, department_code=principal.department_code
        )
        names = await web_service.item_names(
            session, {c.item_code for c in cases} | {c.item_code for c in meetings}
        )
        warnings = await supervision_service.warnings(
            session, kind=None, place=None, department=None, staff=principal.subject, limit=20
        )
        department = (await web_service.department_names(session)).get(
            principal.department_code, (principal.department_code,) * 2
        )
    lang = pages.language(request)
    now = utcnow()
    rows = [
        (c, names.get(c.item_code, (c.item_code,) * 2), status_label(c.status, lang)) for c in cases
    ]
    return render(
        request,
        "desk.html",
        {
            "waiting": rows[: len(waiting)],
            "decided": rows[len(waiting) :],
            "meetings": [(c, names.get(c.item_code, (c.item_code,) * 2)) for c in meetings],
            "now": now,
            "department": department[0] if lang == "zh" else department[1],
            "warnings": warnings,
            "to_hand_over": len(to_hand_over),
        },
        principal=principal,
    )


async def _case_page(
    request: Request,
    principal: Principal,
    case_number: str,
    *,
    errors: pages.FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lang = pages.language(request)
    async with transaction(get_runtime(request).sessions) as session:
        case = await case_service.get_case(session, case_number)
        if not steps.may_see(principal, case):
            meeting = await joint.meeting_of(session, case)
            convened = meeting is not None and principal.department_code in {
                o.department_code for o in await joint.opinions(session, meeting)
            }
            if not convened:  # a convened department reads the case it gives its opinion on
                raise PermissionDenied("another department's case", message_zh="非本部门办件")
        item = await catalog_service.get_version(session, case.item_code, case.item_version)
        materials = await web_service.materials(session, case)
        decision = await session.get(CaseDecision, case.id)
        meeting = await joint.meeting_of(session, case)
        opinions = await joint.opinions(session, meeting) if meeting else []
        departments = await web_service.department_names(session)
    own = principal.department_code == case.department_code
    joint_item = handling_at(item, case_pb2.TIER_CITY) == catalog_pb2.HANDLING_JOINT
    mine = next((o for o in opinions if o.department_code == principal.department_code), None)
    return render(
        request,
        "desk_case.html",
        {
            "case": case,
            "item": item,
            "status": status_label(case.status, lang),
            "decision": decision,
            "decision_status": status_label(decision.status, lang) if decision else "",
            "materials": materials,
            "material_names": {m.code: (m.name_zh, m.name_en) for m in item.materials},
            "meeting": meeting,
            "opinions": opinions,
            "departments": departments,
            "can_decide": own and case.status in WAITING - {case_pb2.CASE_STATUS_SUSPENDED},
            "can_convene": own and joint_item and meeting is None and case.status in WAITING,
            "can_suspend": own and case.status in WAITING - {case_pb2.CASE_STATUS_SUSPENDED},
            "can_extend": own
            and item.extension_days > 0
            and not case.extended_days
            and case.status in WAITING - {case_pb2.CASE_STATUS_SUSPENDED},
            # An online case's result is handed over here (web/desk_hand_over.py).
            "can_hand_over": own
            and case.origin == hand_over.ONLINE
            and decision is not None
            and decision.handed_over_at is None,
            "can_give_opinion": mine is not None
            and mine.opinion == joint.PENDING
            and meeting is not None
            and meeting.closed_at is None,
            "errors": errors or pages.FormErrors(),
            "values": values or {},
            "flash": flash(request, DONE),
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/desk/cases/{case_number}")
async def case_page(request: Request, case_number: CaseNumber) -> Response:
    return await _case_page(request, await staff_of(request, DESK), case_number)


async def _credential(runtime: Runtime, principal: Principal) -> ApprovalCredential:
    """Exchange the representative's own session for a delegated approval credential (the
    API's relay to identity), verified like any credential presented to the API."""
    try:
        issued = await case_api.approval_credential(
            CredentialIn(department_code=principal.department_code), principal, runtime
        )
    except grpc.aio.AioRpcError as exc:  # identity unreachable or busy: said, not a 500
        raise domain_error(exc) from exc
    return await runtime.approval_credential(issued.approval_credential)


def _refused_form(
    exc: DomainError | ValidationError, form_name: str, rename: dict[str, str] | None = None
) -> tuple[pages.FormErrors, int]:
    """Errors of a post beside their field; one without a field beside the form's button."""
    if isinstance(exc, ValidationError):
        return pages.FormErrors.from_validation(exc, rename=rename), 422
    return pages.FormErrors.from_domain(exc, rename={"": form_name, **(rename or {})}), (
        exc.http_status
    )


@router.post("/desk/cases/{case_number}/decision")
async def decide(request: Request, case_number: CaseNumber) -> Response:
    principal = await staff_of(request, DESK)
    form = await pages.form_data(request)
    values = {k: str(form.get(k, "")) for k in ("outcome", "legal_reason", "reason_code")}
    runtime = get_runtime(request)
    try:
        body = DecisionIn(**values)
        credential = await _credential(runtime, principal)
        async with transaction(runtime.sessions) as session:
            await case_service.decide(
                session,
                case_number=case_number,
                staff=principal,
                credential=credential,
                decision=case_service.DecisionInput(
                    outcome=body.outcome,
                    reason_code=body.reason_code,
                    legal_reason=body.legal_reason,
                ),
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except (DomainError, ValidationError) as exc:
        errors, status = _refused_form(exc, "decision")
        return await _case_page(
            request, principal, case_number, errors=errors, values=values, status_code=status
        )
    runtime.committed()
    done = "approved" if body.outcome == "approve" else "refused"
    return PAGES.redirect(request, f"/desk/cases/{case_number}?done={done}")


@router.post("/desk/cases/{case_number}/joint-meeting")
async def convene(request: Request, case_number: CaseNumber) -> Response:
    principal = await staff_of(request, DESK)
    form = await pages.form_data(request)
    values = {"working_days": str(form.get("working_days", "5")).strip() or "5"}
    runtime = get_runtime(request)
    try:
        body = ConveneIn(**values)  # type: ignore[arg-type]
        async with transaction(runtime.sessions) as session:
            case = await steps.locked_case(session, case_number)
            await joint.convene(
                session,
                case=case,
                staff=principal,
                working_days=body.working_days,
                calendar=await case_api.calendar(session, runtime),
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except (DomainError, ValidationError) as exc:
        errors, status = _refused_form(exc, "convene")
        return await _case_page(
            request, principal, case_number, errors=errors, values=values, status_code=status
        )
    runtime.committed()
    return PAGES.redirect(request, f"/desk/cases/{case_number}?done=convened")


@router.post("/desk/cases/{case_number}/opinion")
async def give_opinion(request: Request, case_number: CaseNumber) -> Response:
    principal = await staff_of(request, DESK)
    form = await pages.form_data(request)
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in ("opinion", "reason")}
    runtime = get_runtime(request)
    try:
        body = OpinionIn(**values)
        credential = await _credential(runtime, principal)
        async with transaction(runtime.sessions) as session:
            case = await steps.locked_case(session, case_number)
            await joint.give_opinion(
                session,
                case=case,
                staff=principal,
                credential=credential,
                opinion=body.opinion,
                reason=body.reason,
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except (DomainError, ValidationError) as exc:
        errors, status = _refused_form(exc, "opinion")
        return await _case_page(
            request, principal, case_number, errors=errors, values=values, status_code=status
        )
    runtime.committed()
    return PAGES.redirect(request, f"/desk/cases/{case_number}?done=opinion")


@router.post("/desk/cases/{case_number}/suspension")
async def suspend(request: Request, case_number: CaseNumber) -> Response:
    """Ask for a supplement: everything missing at once; the clock stops until it arrives (L2)."""
    principal = await staff_of(request, DESK)
    form = await pages.form_data(request)
    codes = [str(c) for c in form.getlist("material_codes")][:50]
    values = {"note": str(form.get("note", "")), "material_codes": codes}
    runtime = get_runtime(request)
    try:
        body = SuspendIn(material_codes=codes, note=values["note"])  # type: ignore[arg-type]
        async with transaction(runtime.sessions) as session:
            case = await steps.locked_case(session, case_number)
            await steps.suspend(
                session,
                case=case,
                staff=principal,
                request=steps.SupplementInput(material_codes=body.material_codes, note=body.note),
                calendar=await case_api.calendar(session, runtime),
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except (DomainError, ValidationError) as exc:
        errors, status = _refused_form(exc, "suspend")
        errors.by_field = {  # "material_codes[2]": beside the list as a whole
            k.partition("[")[0]: v for k, v in errors.by_field.items()
        }
        return await _case_page(
            request, principal, case_number, errors=errors, values=values, status_code=status
        )
    runtime.committed()
    return PAGES.redirect(request, f"/desk/cases/{case_number}?done=suspended")


@router.post("/desk/cases/{case_number}/extension")
async def extend(request: Request, case_number: CaseNumber) -> Response:
    """Once, by at most the working days the item allows, with a recorded reason (L2)."""
    principal = await staff_of(request, DESK)
    form = await pages.form_data(request)
    values = {
        "days": str(form.get("days", "")).strip(),
        "extension_reason": str(form.get("extension_reason", "")),
    }
    runtime = get_runtime(request)
    try:
        body = ExtendIn(days=values["days"], reason=values["extension_reason"])  # type: ignore[arg-type]
        async with transaction(runtime.sessions) as session:
            case = await steps.locked_case(session, case_number)
            await steps.extend(
                session,
                case=case,
                staff=principal,
                days=body.days,
                reason=body.reason,
                calendar=await case_api.calendar(session, runtime),
                city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            )
    except (DomainError, ValidationError) as exc:
        errors, status = _refused_form(exc, "extend", {"reason": "extension_reason"})
        return await _case_page(
            request, principal, case_number, errors=errors, values=values, status_code=status
        )
    runtime.committed()
    return PAGES.redirect(request, f"/desk/cases/{case_number}?done=extended")
