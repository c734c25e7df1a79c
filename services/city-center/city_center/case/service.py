"""Receiving escalated cases and deciding them under a delegated approval credential (L4, A1)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case import lookup, steps, timers
from city_center.case.models import CaseDecision, CaseMaterial, CityCase, DocumentSequence
from city_center.catalog import service as catalog_service
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.cases import emit_status, from_ts, ts, validate_transfer
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from govnet_kit.worktime import SHANGHAI

TIER = case_pb2.TIER_CITY
DECIDED = {
    case_pb2.CASE_STATUS_APPROVED,
    case_pb2.CASE_STATUS_REFUSED,
    case_pb2.CASE_STATUS_DEEMED_APPROVED,
}


async def receive(
    session: AsyncSession, *, transfer: case_pb2.CaseTransfer, city_place_code: str
) -> tuple[CityCase, bool]:
    """Idempotent by case number: a retried escalation returns the case already received."""
    validate_transfer(transfer)
    existing = await session.scalar(
        select(CityCase).where(CityCase.case_number == transfer.case_number)
    )
    if existing is not None:
        return existing, False
    item = await catalog_service.get_version(session, transfer.item_code, transfer.item_version)
    if item.deciding_tier != TIER:
        raise InvalidArgument(
            f"item {item.code} is not decided by the city", field="transfer.item_code"
        )
    case = CityCase(
        case_number=transfer.case_number,
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        origin_place_code=transfer.origin_place_code,
        sender_place_code=transfer.sender_place_code,
        status=case_pb2.CASE_STATUS_PENDING_DECISION,
        applicant_name=transfer.applicant.name,
        applicant_id_number=transfer.applicant.id_number,
        query_code_hash=lookup.stored_hash(transfer.query_code),
        accepted_at=from_ts(transfer.accepted_at),
        deadline=from_ts(transfer.deadline),
        agent_staff_id=transfer.agent_staff_id,
    )
    session.add(case)
    await session.flush()
    await timers.arm(session, case)
    for m in transfer.materials:
        session.add(
            CaseMaterial(
                case_id=case.id,
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                sha256=m.sha256 or hashlib.sha256(m.content).hexdigest(),
                content=m.content,
            )
        )
    emit_status(
        session,
        tier=TIER,
        place_code=city_place_code,
        case_number=case.case_number,
        origin_place_code=case.origin_place_code,
        item_code=case.item_code,
        item_version=case.item_version,
        status=case.status,
        department_code=case.department_code,
        deadline=case.deadline,
    )
    await audit.append(
        session,
        actor=f"service:town-hall@{transfer.sender_place_code}",
        action="case.received",
        case_number=case.case_number,
        data={
            "item": case.item_code,
            "version": case.item_version,
            "materials": len(transfer.materials),
        },
    )
    return case, True


async def get_case(session: AsyncSession, case_number: str) -> CityCase:
    case = await session.scalar(select(CityCase).where(CityCase.case_number == case_number))
    if case is None:
        raise NotFound(
            f"no case {case_number}", message_zh=f"无此办件：{case_number}", field="case_number"
        )
    return case


async def list_cases(
    session: AsyncSession, *, department_code: str | None, agent_staff_id: str | None = None
) -> list[CityCase]:
    query = select(CityCase).order_by(CityCase.deadline)
    if department_code:
        query = query.where(CityCase.department_code == department_code)
    if agent_staff_id:
        query = query.where(CityCase.process_agent_staff_id == agent_staff_id)
    return list((await session.scalars(query.limit(200))).all())


async def desk_cases(
    session: AsyncSession, *, department_code: str, waiting: set[int], decided_limit: int = 50
) -> tuple[list[CityCase], list[CityCase]]:
    """A department's desk: every case waiting on it, soonest deadline first, and its latest
    decisions, newest first (so a decision just made is always on the list)."""
    mine = CityCase.department_code == department_code
    open_cases = await session.scalars(
        select(CityCase).where(mine, CityCase.status.in_(waiting)).order_by(CityCase.deadline)
    )
    decided = await session.scalars(
        select(CityCase)
        .outerjoin(CaseDecision, CaseDecision.case_id == CityCase.id)
        .where(mine, CityCase.status.not_in(waiting))
        .order_by(func.coalesce(CaseDecision.decided_at, CityCase.received_at).desc())
        .limit(decided_limit)
    )
    return list(open_cases.all()), list(decided.all())


# The lock order rule, in every path that numbers a document (a staff decision, the joint
# meeting, the timeout default's batches): the case rows, then their clocks, then the
# departments' document sequences (in code order), and the audit chain's head last. A path
# that appends an entry before it numbers (claiming the case it decides, the opinion that
# closes a joint meeting) locks the sequence first with `lock_document_sequence`; otherwise
# it would hold the head while a sweep holds the sequence and waits for the head: a deadlock
# PostgreSQL breaks after a second by aborting one of them.


async def lock_document_sequence(session: AsyncSession, department_code: str) -> None:
    """Lock the department's sequence row now (until commit), before the audit head."""
    await next_document_numbers(session, department_code, 0)


async def next_document_number(session: AsyncSession, department_code: str) -> str:
    return (await next_document_numbers(session, department_code, 1))[0]


async def next_document_numbers(
    session: AsyncSession, department_code: str, count: int
) -> list[str]:
    """The department's next `count` numbers of the year, without gaps; its sequence row stays
    locked until commit (a batch of defaults locks each department's row once, in code order)."""
    year = utcnow().astimezone(SHANGHAI).year
    locked = (
        select(DocumentSequence)
        .where(DocumentSequence.department_code == department_code, DocumentSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    seq = await session.scalar(locked)
    if seq is None:
        # The year's first number: two transactions may start the row at once, so the second
        # waits for the first's row and locks it rather than failing on its key.
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        await session.execute(
            insert(DocumentSequence)
            .values(department_code=department_code, year=year, last=0)
            .on_conflict_do_nothing()
        )
        seq = await session.scalar(locked)
        assert seq is not None
    first = seq.last + 1
    seq.last += count
    await session.flush()
    return [f"{department_code.upper()}-{year}-{n:06d}" for n in range(first, seq.last + 1)]


@dataclass(frozen=True)
class DecisionInput:
    outcome: Literal["approve", "refuse"]
    reason_code: str = ""
    legal_reason: str = ""


def check_credential(*, staff: Principal, credential: ApprovalCredential, case: CityCase) -> None:
    """Only a valid credential of the case's department that covers its item may decide (A1)."""
    if credential.actor_staff_id != staff.subject:
        raise PermissionDenied(
            "the approval credential belongs to someone else",
            message_zh="审批授权凭证不属于当前用户",
        )
    if credential.department_code != case.department_code:
        raise PermissionDenied(
            f"credential of department {credential.department_code} cannot decide {case.department_code} items",
            message_zh="审批授权不属于本事项所属部门",
        )
    if credential.tier and credential.tier != "city":
        raise PermissionDenied(
            "credential not valid at the city tier", message_zh="审批授权不适用于市级"
        )
    if not credential.covers(case.item_code):
        raise PermissionDenied(
            f"credential does not cover item {case.item_code}", message_zh="审批授权不包含该事项"
        )


async def decide(
    session: AsyncSession,
    *,
    case_number: str,
    staff: Principal,
    credential: ApprovalCredential,
    decision: DecisionInput,
    city_place_code: str,
) -> CaseDecision:
    case = await steps.locked_case(session, case_number)
    check_credential(staff=staff, credential=credential, case=case)
    # Decided already, or taken by a colleague (a substitute acts for the holder, L7).
    await steps.check_not_held(session, case, staff, on_behalf_of=credential.on_behalf_of)
    if case.status == case_pb2.CASE_STATUS_PENDING_DECISION:
        if decision.outcome == "approve":
            # The claim appends to the audit chain: the sequence first (the lock order rule).
            await lock_document_sequence(session, case.department_code)
        # Deciding a case nobody took yet takes it first (L3: the decider owns it).
        await steps.claim(session, case=case, staff=staff, city_place_code=city_place_code)
    if decision.outcome == "refuse" and not decision.legal_reason.strip():
        raise InvalidArgument(
            "a refusal states its legal reason (C3)",
            message_zh="不予许可必须说明法律依据",
            field="legal_reason",
        )
    item = await catalog_service.get_version(session, case.item_code, case.item_version)
    if decision.outcome == "approve":
        status = case_pb2.CASE_STATUS_APPROVED
        number = await next_document_number(session, case.department_code)
        title, text = approval_text(item, case, number)
    else:
        status = case_pb2.CASE_STATUS_REFUSED
        number = ""
        title = f"不予许可决定书 / Refusal: {item.name_zh}"
        text = (
            f"不予许可。理由及法律依据：{decision.legal_reason}\n"
            "如不服本决定，可自收到之日起六十日内申请行政复议，或六个月内提起行政诉讼。\n"
            f"Refused. Legal reason: {decision.legal_reason}\n"
            "You may apply for administrative reconsideration within 60 days of receipt, "
            "or bring an administrative lawsuit within six months."
        )
    record = await record_decision(
        session,
        case=case,
        status=status,
        number=number,
        title=title,
        text=text,
        reason_code=decision.reason_code,
        legal_reason=decision.legal_reason,
        decided_by=staff.subject,
        credential_id=credential.credential_id,
        city_place_code=city_place_code,
    )
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.decided",
        case_number=case.case_number,
        data={
            "outcome": decision.outcome,
            "department": case.department_code,
            "credential": credential.credential_id,
            "document": number,
            "on_behalf_of": credential.on_behalf_of,
        },
    )
    await session.flush()
    return record


async def record_decision(
    session: AsyncSession,
    *,
    case: CityCase,
    status: int,
    number: str,
    title: str,
    text: str,
    reason_code: str,
    legal_reason: str,
    decided_by: str,
    credential_id: str,
    city_place_code: str,
    at: datetime | None = None,
    clock_stopped: bool = False,
) -> CaseDecision:
    """The one way a decision is stored, whoever makes it (a representative, the joint
    meeting, the timeout default): the machine checks the step, the clock stops (the sweep
    has stopped it already: `clock_stopped`), the tiers below are told."""
    steps.MACHINE.check(case.status, status)
    record = CaseDecision(
        case_id=case.id,
        status=status,
        result_document_number=number,
        document_title=title,
        document_text=text,
        reason_code=reason_code,
        legal_reason=legal_reason,
        department_code=case.department_code,
        decided_by=decided_by,
        credential_id=credential_id[:64],
        decided_at=at or utcnow(),
    )
    session.add(record)
    case.status = status
    if not clock_stopped:
        await timers.disarm(session, case)
    steps.emit(
        session,
        case,
        city_place_code,
        acting_staff_id=decided_by,
        reason_code=reason_code,
        result_document_number=number,
    )
    return record


def approval_text(item, case: CityCase, number: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    title = f"{item.name_zh} / {item.name_en}"
    text = (
        f"准予许可。文书编号 {number}。申请事项：{item.name_zh}（办件编号 {case.case_number}）。\n"
        f"Approved. Document {number}. Item: {item.name_en} (case {case.case_number})."
    )
    return title, text


async def get_decision(session: AsyncSession, case_number: str) -> tuple[CityCase, CaseDecision]:
    case = await get_case(session, case_number)
    record = await session.get(CaseDecision, case.id)
    if record is None:
        raise Conflict(f"case {case_number} is not decided yet", message_zh="该办件尚未作出决定")
    return case, record


def decision_message(case: CityCase, record: CaseDecision) -> case_pb2.Decision:
    return case_pb2.Decision(
        case_number=case.case_number,
        status=record.status,
        result_document_number=record.result_document_number,
        document_title=record.document_title,
        document_text=record.document_text,
        reason_code=record.reason_code,
        legal_reason=record.legal_reason,
        department_code=record.department_code,
        decided_by_staff_id=record.decided_by,
        decided_at=ts(record.decided_at),
    )
