"""The city window's HTTP API: cases waiting for a decision, approval credentials, decisions."""

from __future__ import annotations

from typing import Annotated, Literal

import grpc
from fastapi import APIRouter, Header, Query

from city_center.case import flags, joint, steps
from city_center.case import service as case_service
from city_center.case.models import CityCase
from city_center.case.schemas import (
    CaseOut,
    ConveneIn,
    CredentialIn,
    CredentialOut,
    DecisionIn,
    DecisionOut,
    ExtendIn,
    FlagOut,
    HandOnIn,
    MeetingOut,
    OpinionIn,
    OpinionOut,
    ProcessAgentIn,
    SuspendIn,
)
from govnet.common.v1 import case_pb2
from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit import calendar_table
from govnet_kit.cases import from_ts
from govnet_kit.db import transaction
from govnet_kit.errors import NotFound, PermissionDenied
from govnet_kit.grpcutil import bearer_metadata
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from govnet_kit.worktime import WorkCalendar

router = APIRouter(prefix="/api/v1", tags=["cases"])


def _case_out(case: CityCase) -> CaseOut:
    return CaseOut(
        case_number=case.case_number,
        item_code=case.item_code,
        item_version=case.item_version,
        department_code=case.department_code,
        origin_place_code=case.origin_place_code,
        status=case_pb2.CaseStatus.Name(case.status),
        accepted_at=case.accepted_at,
        deadline=case.deadline,
        owner_staff_id=case.owner_staff_id,
        remaining_days=case.remaining_days,
        supplement_request=case.supplement_request,
        extended_days=case.extended_days,
        process_agent_staff_id=case.process_agent_staff_id,
    )


@router.get("/cases", response_model=list[CaseOut])
async def list_cases(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[CaseOut]:
    principal.require_staff(tier="city")
    async with transaction(runtime.sessions) as session:
        cases = await case_service.list_cases(
            session, department_code=principal.department_code or None
        )
    return [_case_out(c) for c in cases]


@router.get("/cases/{case_number}", response_model=CaseOut)
async def get_case(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    principal.require_staff(tier="city")
    async with transaction(runtime.sessions) as session:
        case = await case_service.get_case(session, case_number)
    if not steps.may_see(principal, case):
        raise PermissionDenied("another department's case", message_zh="非本部门办件")
    return _case_out(case)


@router.get("/my-agency-cases", response_model=list[CaseOut])
async def my_agency_cases(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[CaseOut]:
    """The cases this staff member follows as full-process agent, across departments."""
    principal.require_staff(tier="city")
    async with transaction(runtime.sessions) as session:
        cases = await case_service.list_cases(
            session, department_code=None, agent_staff_id=principal.subject
        )
    return [_case_out(c) for c in cases]


@router.put("/cases/{case_number}/process-agent", response_model=CaseOut)
async def assign_process_agent(
    case_number: str, body: ProcessAgentIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await steps.assign_process_agent(
            session,
            case=case,
            staff=principal,
            agent_staff_id=body.agent_staff_id,
            reason=body.reason,
        )
    return _case_out(case)


@router.post("/approval-credential", response_model=CredentialOut)
async def approval_credential(
    body: CredentialIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CredentialOut:
    """Relays the representative's exchange to identity; only identity issues credentials."""
    principal.require_staff(tier="city")
    stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
    try:
        resp = await stub.ExchangeDelegation(
            identity_pb2.ExchangeDelegationRequest(
                subject_token=principal.token,
                department_code=body.department_code,
                on_behalf_of_staff_id=body.on_behalf_of_staff_id,
            ),
            metadata=bearer_metadata(principal.token),
            timeout=5.0,
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.PERMISSION_DENIED:
            raise PermissionDenied(
                exc.details() or "no delegation", message_zh="没有有效的审批授权"
            ) from exc
        raise
    return CredentialOut(
        approval_credential=resp.approval_credential,
        expires_at=from_ts(resp.expires_at),
        item_codes=list(resp.item_codes),
        all_items=resp.all_items,
    )


@router.post("/cases/{case_number}/decision", response_model=DecisionOut)
async def decide(
    case_number: str,
    body: DecisionIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    x_approval_credential: Annotated[str | None, Header()] = None,
) -> DecisionOut:
    principal.require_staff(tier="city")
    if not x_approval_credential:
        raise PermissionDenied(
            "a delegated approval credential is required (X-Approval-Credential)",
            message_zh="须持有审批授权凭证",
        )
    credential = await runtime.approval_credential(x_approval_credential)
    async with transaction(runtime.sessions) as session:
        record = await case_service.decide(
            session,
            case_number=case_number,
            staff=principal,
            credential=credential,
            decision=case_service.DecisionInput(
                outcome=body.outcome, reason_code=body.reason_code, legal_reason=body.legal_reason
            ),
            city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
        )
    runtime.committed()
    return DecisionOut(
        case_number=case_number,
        status=case_pb2.CaseStatus.Name(record.status),
        decided_by=record.decided_by,
        on_behalf_of=credential.on_behalf_of,
        result_document_number=record.result_document_number,
        document_title=record.document_title,
        document_text=record.document_text,
    )


async def calendar(session, runtime) -> WorkCalendar:  # type: ignore[no-untyped-def]
    """The library's calendar under the administrator's table (decision 6)."""
    return await calendar_table.calendar(session, runtime.settings.confirmed_calendar_years)


@router.post("/cases/{case_number}/claim", response_model=CaseOut)
async def claim(case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> CaseOut:
    """Take the case: its owner until handed on (首问负责, L3)."""
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await steps.claim(
            session, case=case, staff=principal, city_place_code=runtime.settings.place_code
        )
    runtime.committed()
    return _case_out(case)


@router.post("/cases/{case_number}/hand-on", response_model=CaseOut)
async def hand_on(
    case_number: str, body: HandOnIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await steps.hand_on(
            session, case=case, staff=principal, to_staff_id=body.to_staff_id, reason=body.reason
        )
    return _case_out(case)


@router.post("/cases/{case_number}/suspension", response_model=CaseOut)
async def suspend(
    case_number: str, body: SuspendIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """Ask for a supplement; the clock stops until it arrives (L2)."""
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await steps.suspend(
            session,
            case=case,
            staff=principal,
            request=steps.SupplementInput(material_codes=body.material_codes, note=body.note),
            calendar=await calendar(session, runtime),
            city_place_code=runtime.settings.place_code,
        )
    runtime.committed()
    return _case_out(case)


@router.post("/cases/{case_number}/extension", response_model=CaseOut)
async def extend(
    case_number: str, body: ExtendIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await steps.extend(
            session,
            case=case,
            staff=principal,
            days=body.days,
            reason=body.reason,
            calendar=await calendar(session, runtime),
            city_place_code=runtime.settings.place_code,
        )
    runtime.committed()
    return _case_out(case)


@router.get("/supervision/flags", response_model=list[FlagOut])
async def supervision_flags(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: Literal["deemed_approved", "overdue_excluded", "overdue_no_default", "joint_disagreement"]
    | None = None,
    department_code: str | None = Query(default=None, max_length=50),
) -> list[FlagOut]:
    """Defaults applied and overdue cases the default does not cover, for supervisors (S1)."""
    principal.require_staff(tier="city")
    if not principal.has_role("supervisor"):
        raise PermissionDenied("supervisors only", message_zh="仅限监察人员")
    async with transaction(runtime.sessions) as session:
        rows = await flags.listing(session, kind=kind, department_code=department_code)
    return [
        FlagOut(
            case_number=f.case_number,
            kind=f.kind,
            department_code=f.department_code,
            responsible_staff_id=f.responsible_staff_id,
            note=f.note,
            raised_at=f.raised_at,
        )
        for f in rows
    ]


async def _meeting_out(session, case: CityCase) -> MeetingOut:  # type: ignore[no-untyped-def]
    meeting = await joint.meeting_of(session, case)
    if meeting is None:
        raise NotFound("no joint meeting for this case", message_zh="该办件没有联席会议")
    return MeetingOut(
        case_number=case.case_number,
        convened_by=meeting.convened_by,
        opinion_deadline=meeting.opinion_deadline,
        closed_at=meeting.closed_at,
        outcome=meeting.outcome,
        opinions=[
            OpinionOut(
                department_code=o.department_code,
                opinion=o.opinion,
                reason=o.reason,
                staff_id=o.staff_id,
                on_behalf_of=o.on_behalf_of,
                given_at=o.given_at,
            )
            for o in await joint.opinions(session, meeting)
        ],
    )


@router.post("/cases/{case_number}/joint-meeting", response_model=MeetingOut, status_code=201)
async def convene(
    case_number: str, body: ConveneIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MeetingOut:
    """The lead department convenes the departments the item names (L6)."""
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await joint.convene(
            session,
            case=case,
            staff=principal,
            working_days=body.working_days,
            calendar=await calendar(session, runtime),
            city_place_code=runtime.settings.place_code,
        )
        out = await _meeting_out(session, case)
    runtime.committed()
    return out


@router.get("/cases/{case_number}/joint-meeting", response_model=MeetingOut)
async def get_meeting(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MeetingOut:
    principal.require_staff(tier="city")
    async with transaction(runtime.sessions) as session:
        return await _meeting_out(session, await case_service.get_case(session, case_number))


@router.post("/cases/{case_number}/joint-meeting/opinion", response_model=MeetingOut)
async def give_opinion(
    case_number: str,
    body: OpinionIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    x_approval_credential: Annotated[str | None, Header()] = None,
) -> MeetingOut:
    """A convened department's opinion, under its representative's credential."""
    principal.require_staff(tier="city")
    if not x_approval_credential:
        raise PermissionDenied(
            "a delegated approval credential is required (X-Approval-Credential)",
            message_zh="须持有审批授权凭证",
        )
    credential = await runtime.approval_credential(x_approval_credential)
    async with transaction(runtime.sessions) as session:
        case = await steps.locked_case(session, case_number)
        await joint.give_opinion(
            session,
            case=case,
            staff=principal,
            credential=credential,
            opinion=body.opinion,
            reason=body.reason,
            city_place_code=runtime.settings.place_code,
        )
        out = await _meeting_out(session, case)
    runtime.committed()
    return out
