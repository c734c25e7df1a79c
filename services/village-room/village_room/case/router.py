"""The duty staff's HTTP API: apply as agent, follow the case, hand over the reply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from govnet.common.v1 import case_pb2
from govnet.notify.v1 import notify_pb2
from govnet_kit import calendar_table, lifecycle
from govnet_kit.catalog_replica import TIER_NAMES
from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from govnet_kit.worktime import WorkCalendar
from village_room.case import listing
from village_room.case import service as case_service
from village_room.case import steps as case_steps
from village_room.case.flows import Links
from village_room.case.models import CaseStep, Reply, VillageCase
from village_room.case.schemas import (
    AcceptanceSlipOut,
    ApplicationIn,
    ApplicationOut,
    CaseOut,
    MissingMaterial,
    NotificationOut,
    OneTimeNoticeOut,
    PublicCaseOut,
    RedirectNoticeOut,
    ReplyOut,
    StepOut,
    SupplementIn,
    WithdrawalIn,
)
from village_room.room.dependencies import PLACE_CODE
from village_room.visit import service as visit_service

router = APIRouter(prefix="/api/v1", tags=["cases"])


def get_links(request: Request) -> Links:
    return request.app.state.links


CurrentLinks = Annotated[Links, Depends(get_links)]
TIER_ZH = {"village": "村便民服务室", "town": "乡镇便民服务大厅", "city": "市行政服务中心"}
TIER_EN = {
    "village": "village service room",
    "town": "township service hall",
    "city": "city administrative service center",
}


async def calendar(session, runtime) -> WorkCalendar:  # type: ignore[no-untyped-def]
    """The library's calendar under the administrator's table from the city (decision 6)."""
    return await calendar_table.calendar(session, runtime.settings.confirmed_calendar_years)


@router.post(
    "/applications", response_model=ApplicationOut, responses={201: {"model": ApplicationOut}}
)
async def apply(
    body: ApplicationIn, principal: CurrentPrincipal, runtime: CurrentRuntime, response: Response
) -> ApplicationOut:
    """Review scope and completeness; accept and apply as agent, or say once what is missing."""
    principal.require_staff(tier="village")
    principal.require_place(body.place_code)
    async with transaction(runtime.sessions) as session:
        visit = (
            await visit_service.get_for_place(
                session, visit_id=body.visit_id, place_code=body.place_code
            )
            if body.visit_id
            else None
        )
        outcome = await case_service.apply(
            session,
            place_code=body.place_code,
            staff_id=principal.subject,
            item_code=body.item_code,
            applicant=case_service.ApplicantData(**body.applicant.model_dump()),
            materials=materials_in(body),
            visit=visit,
            calendar=await calendar(session, runtime),
        )
    return application_out(outcome, runtime, response)


def materials_in(body: ApplicationIn) -> list[case_service.MaterialData]:
    return [
        case_service.MaterialData(
            code=m.code, filename=m.filename, content_type=m.content_type, content=m.content_base64
        )
        for m in body.materials
    ]


def application_out(outcome: case_service.Outcome, runtime, response: Response) -> ApplicationOut:  # type: ignore[no-untyped-def]
    """The redirect notice, the one-time notice or the acceptance slip (L1)."""
    item = outcome.item
    if outcome.kind == "redirected":
        where_zh = "、".join(TIER_ZH.get(t, t) for t in outcome.redirect_tiers)
        where_en = ", ".join(TIER_EN.get(t, t) for t in outcome.redirect_tiers)
        return ApplicationOut(
            outcome="redirected",
            redirect_notice=RedirectNoticeOut(
                item_code=item.code,
                item_name_zh=item.name_zh,
                item_name_en=item.name_en,
                apply_at_tiers=outcome.redirect_tiers,
                department_code=item.department_code,
                department_name_zh=item.department_name_zh,
                department_name_en=item.department_name_en,
                window_phone=item.window_phone,
                text_zh=f"“{item.name_zh}”不在本服务室代办范围内，请到{where_zh}"
                f"{item.department_name_zh}窗口申请"
                + (f"（咨询电话 {item.window_phone}）" if item.window_phone else "")
                + "。",
                text_en=f"'{item.name_en}' is not handled here; apply at the "
                f"{item.department_name_en} window of the {where_en}"
                + (f" (phone {item.window_phone})" if item.window_phone else "")
                + ".",
            ),
        )
    if outcome.kind == "incomplete":
        notice = outcome.notice
        assert notice is not None
        names_zh = "；".join(m["name_zh"] for m in notice.missing)
        names_en = "; ".join(m["name_en"] for m in notice.missing)
        return ApplicationOut(
            outcome="incomplete",
            one_time_notice=OneTimeNoticeOut(
                notice_id=notice.id,
                item_code=item.code,
                item_name_zh=item.name_zh,
                item_name_en=item.name_en,
                missing=[MissingMaterial(**m) for m in notice.missing],
                text_zh=f"一次性告知：办理“{item.name_zh}”还须补齐以下全部材料：{names_zh}。",
                text_en=f"One-time notice: to apply for '{item.name_en}', please also bring all of: {names_en}.",
                issued_at=notice.issued_at,
            ),
        )
    runtime.committed()
    case = outcome.case
    assert case is not None
    response.status_code = 201
    return ApplicationOut(
        outcome="accepted",
        acceptance_slip=AcceptanceSlipOut(
            case_number=case.case_number,
            query_code=case.query_code,
            item_code=item.code,
            item_version=item.version,
            item_name_zh=item.name_zh,
            item_name_en=item.name_en,
            accepted_at=case.accepted_at,
            deadline=case.deadline,
            time_limit_working_days=item.time_limit_days,
            rights_and_obligations=case_service.RIGHTS_AND_OBLIGATIONS,
            calendar_warning=case.calendar_warning,
        ),
    )


@router.get("/cases", response_model=list[CaseOut])
async def list_cases(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    place_code: Annotated[str, Query(pattern=PLACE_CODE)],
    to_hand_over: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[CaseOut]:
    """The place's latest cases, or (`to_hand_over=true`) those whose reply waits for the
    applicant, oldest first: what the duty console's today page lists."""
    principal.require_staff(tier="village")
    principal.require_place(place_code)
    async with transaction(runtime.sessions) as session:
        if to_hand_over:
            found = await listing.to_hand_over(session, place_code=place_code, limit=limit)
        else:
            found = await listing.recent(session, place_code=place_code, limit=limit)
    return [case_out(case, reply) for case, reply in found]


@router.get("/cases/{case_number}", response_model=CaseOut)
async def get_case(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    principal.require_staff(tier="village")
    async with transaction(runtime.sessions) as session:
        case = await case_service.get_case(session, case_number)
        principal.require_place(case.place_code)
        reply = await case_service.reply_of(session, case)
    return case_out(case, reply)


def case_out(case: VillageCase, reply: Reply | None) -> CaseOut:
    return CaseOut(
        case_number=case.case_number,
        place_code=case.place_code,
        item_code=case.item_code,
        item_version=case.item_version,
        status=case_pb2.CaseStatus.Name(case.status),
        accepted_at=case.accepted_at,
        deadline=case.deadline,
        reply=ReplyOut(
            decision=case_pb2.CaseStatus.Name(reply.decision_status),
            result_document_number=reply.result_document_number,
            document_title=reply.document_title,
            document_text=reply.document_text,
            ready_at=reply.ready_at,
        )
        if reply
        else None,
        supplement_request=case.supplement_request,
        withdrawal_requested_at=case.withdrawal_requested_at,
    )


def steps_out(steps: list[CaseStep]) -> list[StepOut]:
    return [
        StepOut(
            tier=TIER_NAMES.get(step.tier, ""),
            status=lifecycle.name(step.status),
            status_zh=lifecycle.NAMES_ZH.get(step.status, ""),
            reason_code=step.reason_code,
            occurred_at=step.occurred_at,
        )
        for step in steps
    ]


async def _staff_case(session, principal, case_number: str) -> VillageCase:  # type: ignore[no-untyped-def]
    principal.require_staff(tier="village")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.place_code)
    return case


@router.post("/cases/{case_number}/withdrawal", response_model=CaseOut, status_code=202)
async def withdraw(
    case_number: str, body: WithdrawalIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """On the applicant's word at the window; confirmed by the deciding tier (L4)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        await case_steps.request_withdrawal(
            session, case=case, reason=body.reason, by=f"staff:{principal.subject}"
        )
        reply = await case_service.reply_of(session, case)
    runtime.committed()
    return case_out(case, reply)


@router.post("/cases/{case_number}/supplement", response_model=CaseOut, status_code=202)
async def supplement(
    case_number: str, body: SupplementIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """The materials the deciding tier asked for; sent up, and its clock runs again (L2)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        await case_steps.submit_supplement(
            session,
            case=case,
            materials=[
                case_service.MaterialData(
                    code=m.code,
                    filename=m.filename,
                    content_type=m.content_type,
                    content=m.content_base64,
                )
                for m in body.materials
            ],
            staff_id=principal.subject,
        )
    runtime.committed()
    return case_out(case, None)


@router.post("/cases/{case_number}/hand-over", response_model=CaseOut)
async def hand_over(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """The applicant receives the document or letter (T4 reply)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        reply = await case_steps.hand_over(session, case=case, staff_id=principal.subject)
    runtime.committed()
    return case_out(case, reply)


@router.post("/cases/{case_number}/close", response_model=CaseOut)
async def close(case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> CaseOut:
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        await case_steps.close(session, case=case, staff_id=principal.subject)
        reply = await case_service.reply_of(session, case)
    runtime.committed()
    return case_out(case, reply)


@router.get("/cases/{case_number}/record", response_model=list[StepOut])
async def record(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[StepOut]:
    """Every step at every tier, as the tiers told it."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        return steps_out(await case_steps.record(session, case))


@router.get("/lifecycle", tags=["public"])
async def lifecycle_machines() -> list[dict[str, object]]:
    """Public on purpose: the state machines every tier follows, as data."""
    return lifecycle.describe()


@router.get("/cases/{case_number}/notifications", response_model=list[NotificationOut])
async def notifications(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime, links: CurrentLinks
) -> list[NotificationOut]:
    """The case's notifications, relayed from notify (the browser talks only to its tier)."""
    principal.require_staff(tier="village")
    async with transaction(runtime.sessions) as session:
        case = await case_service.get_case(session, case_number)
    principal.require_place(case.place_code)
    items = await links.notifications(case_number)
    return [
        NotificationOut(
            event_id=n.event_id,
            role=notify_pb2.RecipientRole.Name(n.role).removeprefix("RECIPIENT_ROLE_").lower(),
            channel=notify_pb2.Channel.Name(n.channel).removeprefix("CHANNEL_").lower(),
            language=n.language,
            text=n.text,
            status=n.status,
        )
        for n in items
    ]


@router.get("/public/cases/{case_number}", response_model=PublicCaseOut, tags=["public"])
async def public_case(
    case_number: str,
    runtime: CurrentRuntime,
    request: Request,
    query_code: str = Query(min_length=4, max_length=20),
) -> PublicCaseOut:
    """Public on purpose: the applicant follows the case with the number and query code from the slip."""
    async with transaction(runtime.sessions) as session:
        case = await case_service.find_by_query_code(
            session, case_number, query_code, limiter=request.app.state.lookup_limiter
        )
    return PublicCaseOut(
        case_number=case.case_number,
        item_code=case.item_code,
        status=case_pb2.CaseStatus.Name(case.status),
        deadline=case.deadline,
    )
