"""The applicant's HTTP API at the city (T1, decision 8): sign in with a one-time code, relayed
to identity (only identity checks codes and issues tokens), then apply online. The code and
session routes are public on purpose; the pages (web/apply.py) use the same relays and the
same domain function."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
from fastapi import APIRouter, Response

from city_center.case import online
from city_center.case.online_schemas import (
    AcceptanceSlipOut,
    ApplicantSessionIn,
    ApplicantSessionOut,
    CodeRequestIn,
    CodeRequestOut,
    MissingMaterial,
    OneTimeNoticeOut,
    OnlineApplicationIn,
    OnlineApplicationOut,
    RedirectNoticeOut,
)
from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit import calendar_table
from govnet_kit.cases import RIGHTS_AND_OBLIGATIONS, MaterialData
from govnet_kit.db import transaction
from govnet_kit.grpcutil import domain_error
from govnet_kit.runtime import Runtime
from govnet_kit.web import CurrentPrincipal, CurrentRuntime, set_session_cookie

router = APIRouter(prefix="/api/v1/applicant", tags=["applicant"])


async def request_code(runtime: Runtime, *, phone: str, language: str) -> datetime:
    """Identity sends a one-time code to the phone by SMS (it limits how often)."""
    stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
    try:
        resp = await stub.RequestCode(
            identity_pb2.RequestCodeRequest(phone=phone, language=language), timeout=10.0
        )
    except grpc.aio.AioRpcError as exc:
        raise domain_error(exc) from exc
    return resp.expires_at.ToDatetime(tzinfo=UTC)


async def verify_code(
    runtime: Runtime, response: Response, *, phone: str, code: str
) -> ApplicantSessionOut:
    """The code for an applicant session, kept in an HttpOnly cookie as the staff's is."""
    stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
    try:
        resp = await stub.VerifyCode(
            identity_pb2.VerifyCodeRequest(phone=phone, code=code), timeout=5.0
        )
    except grpc.aio.AioRpcError as exc:
        raise domain_error(exc) from exc
    expires = resp.expires_at.ToSeconds()
    set_session_cookie(response, runtime, resp.access_token, expires)
    return ApplicantSessionOut(
        access_token=resp.access_token, expires_at=datetime.fromtimestamp(expires, UTC)
    )


@router.post("/code", response_model=CodeRequestOut, status_code=202)
async def code(body: CodeRequestIn, runtime: CurrentRuntime) -> CodeRequestOut:
    return CodeRequestOut(
        expires_at=await request_code(runtime, phone=body.phone, language=body.language)
    )


@router.post("/session", response_model=ApplicantSessionOut)
async def session(
    body: ApplicantSessionIn, runtime: CurrentRuntime, response: Response
) -> ApplicantSessionOut:
    return await verify_code(runtime, response, phone=body.phone, code=body.code)


def application_out(outcome: online.Outcome) -> OnlineApplicationOut:
    """The redirect notice, the one-time notice or the acceptance slip (L1)."""
    item = outcome.item
    if outcome.kind == "redirected":
        assert outcome.redirect is not None
        return OnlineApplicationOut(
            outcome="redirected",
            redirect_notice=RedirectNoticeOut(
                item_code=item.code,
                item_name_zh=item.name_zh,
                item_name_en=item.name_en,
                apply_at_tiers=outcome.redirect.tiers,
                department_code=item.department_code,
                department_name_zh=item.department_name_zh,
                department_name_en=item.department_name_en,
                window_phone=item.window_phone,
                text_zh=outcome.redirect.text_zh,
                text_en=outcome.redirect.text_en,
            ),
        )
    if outcome.kind == "incomplete":
        names_zh = "；".join(m.name_zh for m in outcome.missing)
        names_en = "; ".join(m.name_en for m in outcome.missing)
        return OnlineApplicationOut(
            outcome="incomplete",
            one_time_notice=OneTimeNoticeOut(
                item_code=item.code,
                item_version=item.version,
                item_name_zh=item.name_zh,
                item_name_en=item.name_en,
                missing=[
                    MissingMaterial(code=m.code, name_zh=m.name_zh, name_en=m.name_en)
                    for m in outcome.missing
                ],
                text_zh=f"一次性告知：申请“{item.name_zh}”还须补齐以下全部材料：{names_zh}。",
                text_en=f"One-time notice: to apply for '{item.name_en}', "
                f"please also provide all of: {names_en}.",
            ),
        )
    case = outcome.case
    assert case is not None
    return OnlineApplicationOut(
        outcome="accepted",
        acceptance_slip=AcceptanceSlipOut(
            case_number=case.case_number,
            query_code=outcome.query_code,
            item_code=item.code,
            item_version=item.version,
            item_name_zh=item.name_zh,
            item_name_en=item.name_en,
            department_code=case.department_code,
            accepted_at=case.accepted_at,
            deadline=case.deadline,
            time_limit_working_days=item.time_limit_days,
            rights_and_obligations=RIGHTS_AND_OBLIGATIONS,
            calendar_warning=outcome.calendar_warning,
        ),
    )


@router.post(
    "/applications",
    response_model=OnlineApplicationOut,
    responses={201: {"model": OnlineApplicationOut}},
)
async def apply_online(
    body: OnlineApplicationIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    response: Response,
) -> OnlineApplicationOut:
    """T1: a signed-in applicant applies for a city item open to online application, with the
    phone they signed in with; 201 with the slip, 200 with a notice (nothing stored)."""
    async with transaction(runtime.sessions) as db:
        outcome = await online.apply(
            db,
            principal=principal,
            item_code=body.item_code,
            applicant=online.ApplicantData(**body.applicant.model_dump()),
            materials=[
                MaterialData(
                    code=m.code,
                    filename=m.filename,
                    content_type=m.content_type,
                    content=m.content_base64,
                )
                for m in body.materials
            ],
            calendar=await calendar_table.calendar(
                db,
                runtime.settings.confirmed_calendar_years,  # type: ignore[attr-defined]
            ),
            city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
        )
    if outcome.kind == "accepted":
        runtime.committed()  # the outbox relay: the status event goes out now
        response.status_code = 201
    return application_out(outcome)
