"""The township window's HTTP API: its windows and cases, taking, suspending and deciding the
township's own items under a delegated approval credential, walk-in acceptance, the result
document and its hand-over, the supervisor's flags."""

from __future__ import annotations

from typing import Annotated, Literal

import grpc
from fastapi import APIRouter, Header, Query, Response

from govnet.common.v1 import case_pb2
from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit.cases import from_ts
from govnet_kit.db import transaction
from govnet_kit.errors import PermissionDenied
from govnet_kit.grpcutil import bearer_metadata
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from govnet_kit.worktime import WorkCalendar
from town_hall.case import flags, steps, walkin, windows
from town_hall.case import service as case_service
from town_hall.case.models import TownCase, TownDecision
from town_hall.case.schemas import (
    AcceptanceSlipOut,
    CaseOut,
    CredentialIn,
    CredentialOut,
    DecisionIn,
    DocumentOut,
    FlagOut,
    HandOverIn,
    MissingMaterial,
    OneTimeNoticeOut,
    RedirectNoticeOut,
    SupplementIn,
    SuspendIn,
    WalkInIn,
    WalkInOut,
    WindowIn,
    WindowOut,
    WithdrawalIn,
)

router = APIRouter(prefix="/api/v1", tags=["cases"])
TIER_ZH = {"village": "村便民服务室", "town": "乡镇便民服务大厅", "city": "市行政服务中心"}


def _out(case: TownCase, document: str = "") -> CaseOut:
    return CaseOut(
        case_number=case.case_number,
        township_code=case.township_code,
        origin_place_code=case.origin_place_code,
        item_code=case.item_code,
        item_version=case.item_version,
        department_code=case.department_code,
        status=case_pb2.CaseStatus.Name(case.status),
        accepted_at=case.accepted_at,
        deadline=case.deadline,
        result_document_number=document,
        handling=case.handling,
        window_code=case.window_code,
        walk_in=case.walk_in,
        owner_staff_id=case.owner_staff_id,
        remaining_days=case.remaining_days,
        supplement_request=case.supplement_request,
    )


def _document(case: TownCase, record: TownDecision, on_behalf_of: str = "") -> DocumentOut:
    return DocumentOut(
        case_number=case.case_number,
        status=case_pb2.CaseStatus.Name(record.status),
        decided_by=record.decided_by,
        on_behalf_of=on_behalf_of,
        result_document_number=record.result_document_number,
        document_title=record.document_title,
        document_text=record.document_text,
        legal_reason=record.legal_reason,
        decided_at=record.decided_at,
        handed_over_at=record.handed_over_at,
        handed_over_by=record.handed_over_by,
        recipient=record.recipient_kind,
        recipient_note=record.recipient_note,
    )


def _calendar(runtime) -> WorkCalendar:  # type: ignore[no-untyped-def]
    return WorkCalendar(confirmed_years=runtime.settings.confirmed_calendar_years)


async def _staff_case(session, principal, case_number: str) -> TownCase:  # type: ignore[no-untyped-def]
    principal.require_staff(tier="town")
    case = await steps.locked_case(session, case_number)
    principal.require_place(case.township_code)
    return case


@router.get("/windows", response_model=list[WindowOut])
async def list_windows(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[WindowOut]:
    """The hall's windows and the item categories and departments each one handles."""
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        layout = await windows.layout(session, principal.place_code)
    return [
        WindowOut(
            code=w.code,
            name_zh=w.name_zh,
            name_en=w.name_en,
            category_codes=list(w.category_codes),
            department_codes=list(w.department_codes),
        )
        for w in layout
    ]


@router.put("/windows", response_model=list[WindowOut])
async def set_windows(
    body: list[WindowIn], principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[WindowOut]:
    """The township's own window layout (its head or an administrator); cases received from now
    on land by it."""
    principal.require_staff(tier="town")
    if not (principal.has_role("town_head") or principal.has_role("administrator")):
        raise PermissionDenied(
            "only the township's head or an administrator sets up windows",
            message_zh="仅乡镇负责人或管理员可设置窗口",
        )
    async with transaction(runtime.sessions) as session:
        await windows.replace(
            session,
            principal.place_code,
            [
                windows.Window(
                    w.code,
                    w.name_zh,
                    w.name_en,
                    tuple(w.category_codes),
                    tuple(w.department_codes),
                )
                for w in body
            ],
        )
    return await list_windows(principal, runtime)


@router.get("/cases", response_model=list[CaseOut])
async def list_cases(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    window: str | None = Query(default=None, max_length=50, description="a window's code"),
) -> list[CaseOut]:
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        cases = await case_service.list_cases(
            session, township_code=principal.place_code, window_code=window
        )
    return [_out(c) for c in cases]


@router.get("/cases/{case_number}", response_model=CaseOut)
async def get_case(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        case = await case_service.get_case(session, case_number)
        principal.require_place(case.township_code)
        decision = await case_service.stored_decision(session, case_number)
    return _out(case, decision.result_document_number if decision else "")


@router.post("/cases/{case_number}/claim", response_model=CaseOut)
async def claim(case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> CaseOut:
    """Take the case: its owner until handed on (首问负责, L3)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        await steps.claim(session, case=case, staff=principal)
    runtime.committed()
    return _out(case)


@router.post("/cases/{case_number}/suspension", response_model=CaseOut)
async def suspend(
    case_number: str, body: SuspendIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """Ask for a supplement; the clock stops until it arrives (L2)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        await steps.suspend(
            session,
            case=case,
            staff=principal,
            request=steps.SupplementInput(material_codes=body.material_codes, note=body.note),
            calendar=_calendar(runtime),
        )
    runtime.committed()
    return _out(case)


@router.post("/cases/{case_number}/supplement", response_model=CaseOut)
async def supplement(
    case_number: str, body: SupplementIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """The walk-in applicant hands in what was asked for; the clock runs again (a village's
    applicant supplements at the village, which relays it)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        steps.require_handler(principal, case)
        if not case.walk_in:
            raise PermissionDenied(
                "the village that transmitted the case relays its supplement",
                message_zh="该办件由村便民服务室转报，请经村补正",
            )
        await steps.supplement(
            session,
            case=case,
            materials=[
                case_pb2.Material(
                    code=m.code,
                    filename=m.filename,
                    content_type=m.content_type,
                    content=m.content_base64,
                )
                for m in body.materials
            ],
            sender=f"staff:{principal.subject}",
            calendar=_calendar(runtime),
        )
    runtime.committed()
    return _out(case)


@router.post("/approval-credential", response_model=CredentialOut)
async def approval_credential(
    body: CredentialIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CredentialOut:
    """Relays the representative's exchange to identity; only identity issues credentials."""
    principal.require_staff(tier="town")
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


@router.post("/cases/{case_number}/decision", response_model=DocumentOut)
async def decide(
    case_number: str,
    body: DecisionIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    x_approval_credential: Annotated[str | None, Header()] = None,
) -> DocumentOut:
    """Approve (a numbered result document) or refuse (a letter with the legal reason and the
    applicant's rights) under a delegated approval credential of tier "town" (A1, L4)."""
    principal.require_staff(tier="town")
    if not x_approval_credential:
        raise PermissionDenied(
            "a delegated approval credential is required (X-Approval-Credential)",
            message_zh="须持有审批授权凭证",
        )
    credential = await runtime.approval_credential(x_approval_credential)
    async with transaction(runtime.sessions) as session:
        record = await steps.decide(
            session,
            case_number=case_number,
            staff=principal,
            credential=credential,
            decision=steps.DecisionInput(
                outcome=body.outcome, reason_code=body.reason_code, legal_reason=body.legal_reason
            ),
        )
        case = await case_service.get_case(session, case_number)
    runtime.committed()
    return _document(case, record, credential.on_behalf_of)


@router.get("/cases/{case_number}/document", response_model=DocumentOut)
async def document(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> DocumentOut:
    """The result document or refusal letter, to print."""
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        case = await case_service.get_case(session, case_number)
        principal.require_place(case.township_code)
        record = await steps.decision_of(session, case)
    return _document(case, record)


@router.post("/cases/{case_number}/hand-over", response_model=DocumentOut)
async def hand_over(
    case_number: str, body: HandOverIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> DocumentOut:
    """The applicant (or their agent) receives the document or letter at this hall (L4)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        record = await walkin.hand_over(
            session,
            case=case,
            staff=principal,
            recipient=body.recipient,
            id_number=body.id_number,
            note=body.note,
        )
    runtime.committed()
    return _document(case, record)


@router.post("/cases/{case_number}/withdrawal", response_model=CaseOut)
async def withdraw(
    case_number: str, body: WithdrawalIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    """A walk-in applicant withdraws a case the township decides, before the decision (L4)."""
    async with transaction(runtime.sessions) as session:
        case = await _staff_case(session, principal, case_number)
        steps.require_handler(principal, case)
        if not case.walk_in:
            raise PermissionDenied(
                "the village that transmitted the case relays its withdrawal",
                message_zh="该办件由村便民服务室转报，请经村撤回",
            )
        await case_service.withdraw_here(
            session, case=case, reason=body.reason, by=f"staff:{principal.subject}"
        )
    runtime.committed()
    return _out(case)


@router.post("/applications", response_model=WalkInOut, responses={201: {"model": WalkInOut}})
async def apply(
    body: WalkInIn, principal: CurrentPrincipal, runtime: CurrentRuntime, response: Response
) -> WalkInOut:
    """Unified acceptance at the township window: redirect, one-time notice, or the slip."""
    principal.require_staff(tier="town")
    principal.require_place(body.place_code)
    async with transaction(runtime.sessions) as session:
        outcome = await walkin.apply(
            session,
            township_code=body.place_code,
            staff_id=principal.subject,
            item_code=body.item_code,
            applicant=walkin.ApplicantData(
                name=body.applicant.name, id_number=body.applicant.id_number.upper()
            ),
            materials=[
                walkin.MaterialData(
                    code=m.code,
                    filename=m.filename,
                    content_type=m.content_type,
                    content=m.content_base64,
                )
                for m in body.materials
            ],
            calendar=_calendar(runtime),
        )
    item = outcome.item
    if outcome.kind == "redirected":
        where_zh = "、".join(TIER_ZH.get(t, t) for t in outcome.redirect_tiers)
        return WalkInOut(
            outcome="redirected",
            redirect_notice=RedirectNoticeOut(
                item_code=item.code,
                item_name_zh=item.name_zh,
                item_name_en=item.name_en,
                apply_at_tiers=outcome.redirect_tiers,
                text_zh=f"“{item.name_zh}”不在本大厅受理范围内，请到{where_zh}申请。",
                text_en=f"'{item.name_en}' is not accepted here; apply at: "
                f"{', '.join(outcome.redirect_tiers)}.",
            ),
        )
    if outcome.kind == "incomplete":
        notice = outcome.notice
        assert notice is not None
        names_zh = "；".join(m["name_zh"] for m in notice.missing)
        names_en = "; ".join(m["name_en"] for m in notice.missing)
        return WalkInOut(
            outcome="incomplete",
            one_time_notice=OneTimeNoticeOut(
                notice_id=notice.id,
                item_code=item.code,
                item_name_zh=item.name_zh,
                item_name_en=item.name_en,
                missing=[MissingMaterial(**m) for m in notice.missing],
                text_zh=f"一次性告知：办理“{item.name_zh}”还须补齐以下全部材料：{names_zh}。",
                text_en=f"One-time notice: to apply for '{item.name_en}', please also bring "
                f"all of: {names_en}.",
                issued_at=notice.issued_at,
            ),
        )
    runtime.committed()
    case = outcome.case
    assert case is not None
    response.status_code = 201
    return WalkInOut(
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
            handling=case.handling,
            window_code=case.window_code,
            rights_and_obligations=walkin.RIGHTS_AND_OBLIGATIONS,
            calendar_warning=case.calendar_warning,
        ),
    )


@router.get("/supervision/flags", response_model=list[FlagOut])
async def supervision_flags(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: Literal["deemed_approved", "overdue_excluded", "overdue_no_default"] | None = None,
    department_code: str | None = Query(default=None, max_length=50),
) -> list[FlagOut]:
    """The township's defaults applied and overdue cases the default does not cover (S1)."""
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        rows = await flags.listing(
            session,
            township_code=principal.place_code,
            kind=kind,
            department_code=department_code,
        )
    return [
        FlagOut(
            case_number=f.case_number,
            kind=f.kind,
            department_code=f.department_code,
            window_code=f.window_code,
            responsible_staff_id=f.responsible_staff_id,
            note=f.note,
            raised_at=f.raised_at,
        )
        for f in rows
    ]
