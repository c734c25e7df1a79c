"""The applicant's HTTP API: sign in with a one-time code (relayed to identity, decision 8),
then read their own cases. The code and session routes are public on purpose."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import grpc
from fastapi import APIRouter, Response

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument, PermissionDenied
from govnet_kit.grpcutil import domain_error
from govnet_kit.web import CurrentPrincipal, CurrentRuntime, set_session_cookie
from village_room.applicant import export, service
from village_room.applicant.schemas import (
    ApplicantSessionIn,
    ApplicantSessionOut,
    CodeRequestIn,
    CodeRequestOut,
)
from village_room.case import service as case_service
from village_room.case import steps as case_steps
from village_room.case.router import application_out, calendar, case_out, materials_in, steps_out
from village_room.case.schemas import ApplicationIn, ApplicationOut, CaseOut, StepOut, WithdrawalIn

router = APIRouter(prefix="/api/v1/applicant", tags=["applicant"])


@router.post("/code", response_model=CodeRequestOut, status_code=202)
async def request_code(body: CodeRequestIn, runtime: CurrentRuntime) -> CodeRequestOut:
    """Identity sends a one-time code to the phone by SMS (at most one a minute)."""
    stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
    try:
        resp = await stub.RequestCode(
            identity_pb2.RequestCodeRequest(phone=body.phone, language=body.language),
            timeout=10.0,
        )
    except grpc.aio.AioRpcError as exc:
        raise domain_error(exc) from exc
    return CodeRequestOut(expires_at=resp.expires_at.ToDatetime(tzinfo=UTC))


@router.post("/session", response_model=ApplicantSessionOut)
async def sign_in(
    body: ApplicantSessionIn, runtime: CurrentRuntime, response: Response
) -> ApplicantSessionOut:
    """The code for an applicant session, kept in an HttpOnly cookie as the staff's is."""
    stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
    try:
        resp = await stub.VerifyCode(
            identity_pb2.VerifyCodeRequest(phone=body.phone, code=body.code), timeout=5.0
        )
    except grpc.aio.AioRpcError as exc:
        raise domain_error(exc) from exc
    expires = resp.expires_at.ToSeconds()
    set_session_cookie(response, runtime, resp.access_token, expires)
    return ApplicantSessionOut(
        access_token=resp.access_token, expires_at=datetime.fromtimestamp(expires, UTC)
    )


@router.get("/export")
async def export_own_data(principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict[str, Any]:
    """Everything the village keeps about the signed-in applicant, decrypted (PIPL); audited."""
    async with transaction(runtime.sessions) as session:
        return await export.export(session, principal=principal)


@router.get("/cases", response_model=list[CaseOut])
async def own_cases(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[CaseOut]:
    async with transaction(runtime.sessions) as session:
        cases = await service.own_cases(session, principal=principal)
        return [case_out(case, await case_service.reply_of(session, case)) for case in cases]


@router.get("/cases/{case_number}", response_model=CaseOut)
async def own_case(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    async with transaction(runtime.sessions) as session:
        case = await service.own_case(session, principal=principal, case_number=case_number)
        return case_out(case, await case_service.reply_of(session, case))


@router.get("/cases/{case_number}/record", response_model=list[StepOut])
async def own_record(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[StepOut]:
    """The applicant sees every step of their own case, at every tier (L3)."""
    async with transaction(runtime.sessions) as session:
        case = await service.own_case(session, principal=principal, case_number=case_number)
        return steps_out(await case_steps.record(session, case))


@router.post("/cases/{case_number}/withdrawal", response_model=CaseOut, status_code=202)
async def own_withdrawal(
    case_number: str, body: WithdrawalIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """The applicant withdraws online, before the decision (L4)."""
    async with transaction(runtime.sessions) as session:
        case = await service.own_case(session, principal=principal, case_number=case_number)
        await case_steps.request_withdrawal(
            session, case=case, reason=body.reason, by=principal.subject
        )
        reply = await case_service.reply_of(session, case)
    runtime.committed()
    return case_out(case, reply)


@router.post(
    "/applications", response_model=ApplicationOut, responses={201: {"model": ApplicationOut}}
)
async def apply_online(
    body: ApplicationIn, principal: CurrentPrincipal, runtime: CurrentRuntime, response: Response
) -> ApplicationOut:
    """T1: the applicant applies for themselves, for an item the catalog opens to online
    applications, with the phone they signed in with; reviewed by the same rules as at the
    window (one-time notice, slip)."""
    signed_in = service.require_applicant(principal)
    if service.subject_hash(body.applicant.phone) != signed_in:
        raise PermissionDenied(
            "apply with the phone number you signed in with",
            message_zh="请使用登录时的手机号码申请",
            field="applicant.phone",
        )
    if body.visit_id:
        raise InvalidArgument(
            "an online application has no visit", message_zh="网上申请无来访登记", field="visit_id"
        )
    async with transaction(runtime.sessions) as session:
        outcome = await case_service.apply(
            session,
            place_code=body.place_code,
            staff_id="",
            item_code=body.item_code,
            applicant=case_service.ApplicantData(**body.applicant.model_dump()),
            materials=materials_in(body),
            visit=None,
            calendar=await calendar(session, runtime),
            online=True,
        )
    return application_out(outcome, runtime, response)
