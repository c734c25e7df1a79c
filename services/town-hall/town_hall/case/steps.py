"""The township deciding its own items (T2, L2-L4): its window staff take the case, suspend it
for a supplement and resume on its arrival, and decide under a delegated approval credential
of tier "town" (A1) — a numbered result document, or a refusal letter with its legal reason
and the applicant's rights. The same design as the city's (city_center/case/steps.py).

Every step goes through the case's machine (govnet_kit.lifecycle: commitment for a case with
a clock, direct for one decided on the spot), is emitted as a thin event, so the village that
transmitted it follows, and is recorded in the audit chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit, catalog_replica, holders
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from town_hall.case import timers
from town_hall.case.models import TownCase, TownCaseMaterial, TownDecision, TownDocumentSequence
from town_hall.case.service import _emit, decided_here, get_case, machine_of

RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6
RIGHTS_ZH = (
    f"如不服本决定，可自收到本决定书之日起{RECONSIDERATION_DAYS}日内依法申请行政复议，"
    f"或者自收到之日起{LITIGATION_MONTHS}个月内依法提起行政诉讼。"
)
RIGHTS_EN = (
    f"If you disagree with this decision you may apply for administrative reconsideration "
    f"within {RECONSIDERATION_DAYS} days of receiving it, or bring an administrative lawsuit "
    f"within {LITIGATION_MONTHS} months of receiving it."
)


async def item_of(session: AsyncSession, case: TownCase) -> catalog_pb2.CatalogItem:
    item = await catalog_replica.version(session, case.item_code, case.item_version)
    if item is None:  # the case was received under this version, so the copy has it
        raise NotFound(
            f"item {case.item_code} v{case.item_version} is not in the catalog copy",
            message_zh="目录副本中无此事项版本",
            field="item_code",
        )
    return item


async def locked_case(session: AsyncSession, case_number: str) -> TownCase:
    """The case row locked until commit: a decision, a withdrawal and the default never race."""
    case = await session.scalar(
        select(TownCase).where(TownCase.case_number == case_number).with_for_update()
    )
    if case is None:
        return await get_case(session, case_number)  # raises NotFound
    return case


def require_handler(staff: Principal, case: TownCase) -> None:
    """Window staff of the case's township; staff of a department only its items (A2)."""
    staff.require_staff(tier="town")
    staff.require_place(case.township_code)
    if staff.department_code and staff.department_code != case.department_code:
        raise PermissionDenied(
            "only staff of the case's department may handle it",
            message_zh="仅本事项所属部门工作人员可以办理",
        )
    if not decided_here(case):
        raise Conflict(
            "the city decides this item; the township forwards it",
            message_zh="该事项由市级决定，乡镇仅负责受理转报",
        )


async def check_not_held(
    session: AsyncSession, case: TownCase, staff: Principal, on_behalf_of: str = ""
) -> None:
    """Another colleague took or decided the case: the 409 names them (issue 7)."""
    await holders.check_not_held(
        session,
        case,
        staff_id=staff.subject,
        decision_model=TownDecision,
        on_behalf_of=on_behalf_of,
    )


async def claim(session: AsyncSession, *, case: TownCase, staff: Principal) -> TownCase:
    """The first person asked owns the case (首问负责, L3); taking it again is a no-op. A
    walk-in waiting at its window is free to take: its acceptor only received it."""
    require_handler(staff, case)
    await check_not_held(session, case, staff)
    if case.status == case_pb2.CASE_STATUS_IN_REVIEW and case.owner_staff_id == staff.subject:
        return case
    machine_of(case).move(case, case_pb2.CASE_STATUS_IN_REVIEW)
    case.owner_staff_id = staff.subject
    _emit(session, case, acting_staff_id=staff.subject)
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.claimed",
        case_number=case.case_number,
        data={"window": case.window_code},
    )
    return case


@dataclass(frozen=True)
class SupplementInput:
    material_codes: list[str]
    note: str


async def suspend(
    session: AsyncSession,
    *,
    case: TownCase,
    staff: Principal,
    request: SupplementInput,
    calendar: WorkCalendar,
    now: datetime | None = None,
) -> TownCase:
    """Ask for a supplement: the clock stops with the working days it had left (L2)."""
    require_handler(staff, case)
    await check_not_held(session, case, staff)
    if case.status in (case_pb2.CASE_STATUS_PENDING_DECISION, case_pb2.CASE_STATUS_ACCEPTED):
        await claim(session, case=case, staff=staff)
    item = await item_of(session, case)
    known = {m.code: m for m in item.materials}
    if not request.material_codes:
        raise InvalidArgument(
            "name at least one material to supplement",
            message_zh="请列明需要补正的材料",
            field="material_codes",
        )
    for i, code in enumerate(request.material_codes):
        if code not in known:
            raise InvalidArgument(
                f"{code} is not a material of item {item.code}",
                message_zh=f"{code} 不是该事项的申请材料",
                field=f"material_codes[{i}]",
            )
    now = now or utcnow()
    machine_of(case).move(case, case_pb2.CASE_STATUS_SUSPENDED)
    await timers.disarm(session, case)
    case.remaining_days = calendar.remaining(now, case.deadline)
    case.suspended_at = now
    case.supplement_request = {
        "material_codes": list(request.material_codes),
        "names_zh": [known[c].name_zh for c in request.material_codes],
        "names_en": [known[c].name_en for c in request.material_codes],
        "note": request.note,
        "requested_at": now.isoformat(),
        "requested_by": staff.subject,
    }
    _emit(session, case, acting_staff_id=staff.subject, reason_code="supplement")
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.suspended",
        case_number=case.case_number,
        data={
            "materials": list(request.material_codes),
            "remaining_days": case.remaining_days,
            "note": request.note,
        },
    )
    return case


async def supplement(
    session: AsyncSession,
    *,
    case: TownCase,
    materials: list[case_pb2.Material],
    sender: str,
    calendar: WorkCalendar,
    now: datetime | None = None,
) -> TownCase:
    """The supplement arrived (relayed by the village, or handed in at this hall's window):
    store it, restart the clock with the days it had left."""
    machine = machine_of(case)
    if case.status != case_pb2.CASE_STATUS_SUSPENDED:
        # A retried send after the case resumed: nothing more to do.
        if case.suspended_at is None and case.status == case_pb2.CASE_STATUS_IN_REVIEW:
            return case
        machine.check(case.status, case_pb2.CASE_STATUS_IN_REVIEW)
    asked = set((case.supplement_request or {}).get("material_codes", []))
    given = {m.code for m in materials if m.content}
    if not asked <= given:
        raise InvalidArgument(
            f"the supplement lacks: {', '.join(sorted(asked - given))}",
            message_zh="补正材料不全：" + "、".join(sorted(asked - given)),
            field="materials",
        )
    for m in materials:
        session.add(
            TownCaseMaterial(
                case_id=case.id,
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                sha256=m.sha256 or hashlib.sha256(m.content).hexdigest(),
                content=m.content,
            )
        )
    now = now or utcnow()
    machine.move(case, case_pb2.CASE_STATUS_IN_REVIEW)
    case.deadline = calendar.resumed(now, case.remaining_days or 0).due_at
    await timers.arm(session, case)
    case.suspended_at = None
    case.remaining_days = None
    case.supplement_request = None
    _emit(session, case, reason_code="supplemented")
    await audit.append(
        session,
        actor=sender,
        action="case.resumed",
        case_number=case.case_number,
        data={"materials": sorted(given), "deadline": case.deadline.isoformat()},
    )
    return case


# The lock order rule, in every path that numbers a document (a staff decision, the timeout
# default's batches): the case rows, then their clocks, then the document sequences (in code
# order), and the audit chain's head last. Deciding a case nobody took yet claims it (an audit
# entry) before numbering, so it locks the sequence first (`lock_document_sequence`); else it
# would hold the head while a sweep holds the sequence and waits for the head: a deadlock
# PostgreSQL breaks after a second by aborting one of them.


async def lock_document_sequence(
    session: AsyncSession, township_code: str, department_code: str
) -> None:
    """Lock the sequence row now (until commit), before the audit head."""
    await next_document_numbers(session, township_code, department_code, 0)


async def next_document_number(
    session: AsyncSession, township_code: str, department_code: str
) -> str:
    """`<township>-<DEPARTMENT>-<year>-<seq>`: unique across townships, without gaps."""
    return (await next_document_numbers(session, township_code, department_code, 1))[0]


async def next_document_numbers(
    session: AsyncSession, township_code: str, department_code: str, count: int
) -> list[str]:
    """The next `count` numbers; the sequence row stays locked until commit (a batch of
    defaults locks each row once, in code order)."""
    year = utcnow().astimezone(SHANGHAI).year
    key = dict(township_code=township_code, department_code=department_code, year=year)
    locked = (
        select(TownDocumentSequence)
        .filter_by(**key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    seq = await session.scalar(locked)
    if seq is None:
        # The year's first number: two transactions may start the row at once, so the second
        # waits for the first's row and locks it rather than failing on its key.
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await session.execute(
            insert(TownDocumentSequence).values(**key, last=0).on_conflict_do_nothing()
        )
        seq = await session.scalar(locked)
        assert seq is not None
    first = seq.last + 1
    seq.last += count
    await session.flush()
    prefix = f"{township_code}-{department_code.upper()}-{year}"
    return [f"{prefix}-{n:06d}" for n in range(first, seq.last + 1)]


@dataclass(frozen=True)
class DecisionInput:
    outcome: Literal["approve", "refuse"]
    reason_code: str = ""
    legal_reason: str = ""


def check_credential(*, staff: Principal, credential: ApprovalCredential, case: TownCase) -> None:
    """Only a valid credential of tier "town", of the case's department, that covers its item
    may decide a township item (A1)."""
    if credential.actor_staff_id != staff.subject:
        raise PermissionDenied(
            "the approval credential belongs to someone else",
            message_zh="审批授权凭证不属于当前用户",
        )
    if credential.tier != "town":
        raise PermissionDenied(
            f"a credential of tier {credential.tier or 'unspecified'} cannot decide at a township",
            message_zh="审批授权不适用于乡镇",
        )
    if credential.department_code != case.department_code:
        raise PermissionDenied(
            f"credential of department {credential.department_code} cannot decide "
            f"{case.department_code} items",
            message_zh="审批授权不属于本事项所属部门",
        )
    if not credential.covers(case.item_code):
        raise PermissionDenied(
            f"credential does not cover item {case.item_code}", message_zh="审批授权不包含该事项"
        )


def refusal_text(item: catalog_pb2.CatalogItem, case: TownCase, legal_reason: str) -> str:
    return (
        f"不予许可决定书。申请事项：{item.name_zh}（办件编号 {case.case_number}）。\n"
        f"不予许可的理由及法律依据：{legal_reason}\n{RIGHTS_ZH}\n"
        f"Refusal. Item: {item.name_en} (case {case.case_number}).\n"
        f"Reason and legal basis: {legal_reason}\n{RIGHTS_EN}"
    )


async def decide(
    session: AsyncSession,
    *,
    case_number: str,
    staff: Principal,
    credential: ApprovalCredential,
    decision: DecisionInput,
) -> TownDecision:
    case = await locked_case(session, case_number)
    require_handler(staff, case)
    check_credential(staff=staff, credential=credential, case=case)
    # Decided already, or taken by a colleague (a substitute acts for the holder, L7).
    await check_not_held(session, case, staff, on_behalf_of=credential.on_behalf_of)
    if decision.outcome == "refuse" and not decision.legal_reason.strip():
        raise InvalidArgument(
            "a refusal states its legal reason (C3)",
            message_zh="不予许可必须说明法律依据",
            field="legal_reason",
        )
    machine = machine_of(case)
    if case.status == case_pb2.CASE_STATUS_PENDING_DECISION or (
        case.status == case_pb2.CASE_STATUS_ACCEPTED
        and machine.allows(case.status, case_pb2.CASE_STATUS_IN_REVIEW)
    ):
        if decision.outcome == "approve":
            # The claim appends to the audit chain: the sequence first (the lock order rule).
            await lock_document_sequence(session, case.township_code, case.department_code)
        # Deciding a case nobody took yet takes it first (L3: the decider owns it).
        await claim(session, case=case, staff=staff)
    status = (
        case_pb2.CASE_STATUS_APPROVED
        if decision.outcome == "approve"
        else case_pb2.CASE_STATUS_REFUSED
    )
    machine.check(case.status, status)
    item = await item_of(session, case)
    if status == case_pb2.CASE_STATUS_APPROVED:
        number = await next_document_number(session, case.township_code, case.department_code)
        title = f"{item.name_zh} / {item.name_en}"
        text = (
            f"准予许可。文书编号 {number}。申请事项：{item.name_zh}（办件编号 {case.case_number}）。\n"
            f"Approved. Document {number}. Item: {item.name_en} (case {case.case_number})."
        )
    else:
        number = ""
        title = f"不予许可决定书 / Refusal: {item.name_zh}"
        text = refusal_text(item, case, decision.legal_reason.strip())
    record = TownDecision(
        case_id=case.id,
        status=status,
        result_document_number=number,
        document_title=title[:200],
        document_text=text,
        reason_code=decision.reason_code,
        legal_reason=decision.legal_reason.strip(),
        department_code=case.department_code,
        decided_by=staff.subject,
        credential_id=credential.credential_id[:64],
        decided_at=utcnow(),
    )
    session.add(record)
    machine.move(case, status)
    await timers.disarm(session, case)
    _emit(
        session,
        case,
        acting_staff_id=staff.subject,
        reason_code=decision.reason_code,
        result_document_number=number,
    )
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.decided",
        case_number=case.case_number,
        data={
            "outcome": decision.outcome,
            "department": case.department_code,
            "window": case.window_code,
            "credential": credential.credential_id,
            "document": number,
            "on_behalf_of": credential.on_behalf_of,
        },
    )
    await session.flush()
    return record


async def decision_of(session: AsyncSession, case: TownCase) -> TownDecision:
    record = await session.get(TownDecision, case.id)
    if record is None:
        raise Conflict(
            f"case {case.case_number} is not decided yet", message_zh="该办件尚未作出决定"
        )
    return record
