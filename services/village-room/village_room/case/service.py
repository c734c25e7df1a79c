"""Accept and review at the village (scope, completeness), apply as agent, learn the decision
and record the reply (T4, L1, L4)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import audit, calls, cases, catalog_replica, lifecycle, seasonal
from govnet_kit.cases import (
    RIGHTS_AND_OBLIGATIONS,  # noqa: F401 - on this tier's slip
    MaterialData,
    emit_status,
    from_ts,
    missing_materials,
    ts,
)
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, NotFound
from govnet_kit.ratelimit import FailureLimiter
from govnet_kit.worktime import WorkCalendar
from village_room.applicant import service as applicant_service
from village_room.case.models import (
    Applicant,
    CaseSequence,
    CaseStep,
    OneTimeNotice,
    Reply,
    VillageCase,
    VillageCaseMaterial,
)
from village_room.visit.models import Visit

TIER = case_pb2.TIER_VILLAGE
DECIDED = lifecycle.DECIDED
MACHINE = lifecycle.AGENCY
TRANSMIT = "transmit"
FETCH_STATE = "fetch_state"
REGISTER_RECIPIENTS = "register_recipients"
FETCH_DECISION = "fetch_decision"
# Ten wrong query codes per case number in ten minutes, then the look-up waits.
LOOKUP_LIMIT = {"limit": 10, "window": 600.0}


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str
    language: str = "zh"
    channel: str = "sms"


@dataclass
class Outcome:
    """One of: redirected (out of scope), incomplete (one-time notice), accepted (slip)."""

    kind: str
    item: catalog_pb2.CatalogItem
    notice: OneTimeNotice | None = None
    case: VillageCase | None = None
    redirect_tiers: list[str] = field(default_factory=list)


async def _item_for(
    session: AsyncSession, item_code: str, visit: Visit | None
) -> catalog_pb2.CatalogItem:
    """The version in force; but a submission already told what is missing keeps the version
    of its first one-time notice, so a later notice can never add a material that was
    missing and unlisted then, even if the catalog changed in between (L1)."""
    if visit is not None:
        first = await session.scalar(
            select(OneTimeNotice)
            .where(OneTimeNotice.visit_id == visit.id, OneTimeNotice.item_code == item_code)
            .order_by(OneTimeNotice.issued_at)
            .limit(1)
        )
        if first is not None:
            pinned = await catalog_replica.version(session, item_code, first.item_version)
            if pinned is not None:
                return pinned
    item = await catalog_replica.current(session, item_code)
    if item is None:
        raise NotFound(
            f"no item {item_code} in the catalog",
            message_zh=f"目录中无此事项：{item_code}",
            field="item_code",
        )
    return item


async def apply(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    item_code: str,
    applicant: ApplicantData,
    materials: list[MaterialData],
    visit: Visit | None,
    calendar: WorkCalendar,
    online: bool = False,
) -> Outcome:
    """`staff_id` applies as agent; with `online`, the applicant applies for themselves (T1)
    and there is no agent."""
    item = await _item_for(session, item_code, visit)
    if online and not item.online_application:
        raise Conflict(
            f"item {item.code} is applied for at a window, not online",
            message_zh="该事项不支持网上申请，请到服务窗口办理",
            field="item_code",
        )
    if catalog_replica.handling_at(item, TIER) != catalog_pb2.HANDLING_AGENCY:
        tiers = [
            catalog_replica.TIER_NAMES[h.tier]
            for h in item.handling
            if h.tier in catalog_replica.TIER_NAMES
        ]
        if visit is not None:
            visit.outcome = "redirected"
            visit.outcome_at = utcnow()
        return Outcome(kind="redirected", item=item, redirect_tiers=tiers)

    # A seasonal item is received in its season and on its reception days only (C5).
    refusal = seasonal.reception_refusal(item, utcnow(), calendar)
    if refusal is not None:
        raise refusal
    missing = missing_materials(item, materials)
    if missing:
        notice = OneTimeNotice(
            place_code=place_code,
            visit_id=visit.id if visit else None,
            item_code=item.code,
            item_version=item.version,
            staff_id=staff_id,
            missing=[{"code": m.code, "name_zh": m.name_zh, "name_en": m.name_en} for m in missing],
        )
        session.add(notice)
        if visit is not None:
            visit.outcome = "incomplete"
            visit.outcome_at = utcnow()
        await session.flush()
        return Outcome(kind="incomplete", item=item, notice=notice)

    now = utcnow()
    deadline = calendar.deadline(now, item.time_limit_days)
    person = Applicant(
        place_code=place_code,
        name=applicant.name,
        id_number=applicant.id_number,
        phone=applicant.phone,
        phone_hash=applicant_service.phone_hash(applicant.phone),
        id_number_hash=applicant_service.id_number_hash(applicant.id_number),
        language=applicant.language,
        channel=applicant.channel,
    )
    session.add(person)
    await session.flush()
    case = VillageCase(
        case_number=await cases.next_case_number(
            session, CaseSequence, place_code=place_code, now=now
        ),
        query_code=cases.query_code(),
        place_code=place_code,
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        applicant_id=person.id,
        agent_staff_id=staff_id,
        visit_id=visit.id if visit else None,
        status=case_pb2.CASE_STATUS_ACCEPTED,
        accepted_at=now,
        deadline=deadline.due_at,
        calendar_warning=deadline.warning,
    )
    session.add(case)
    await session.flush()
    wanted = {m.code for m in item.materials}
    for m in materials:
        if m.code in wanted and m.content:
            session.add(
                VillageCaseMaterial(
                    case_id=case.id,
                    code=m.code,
                    filename=m.filename,
                    content_type=m.content_type,
                    sha256=hashlib.sha256(m.content).hexdigest(),
                    content=m.content,
                )
            )
    if visit is not None:
        visit.outcome = "applied_as_agent"
        visit.outcome_at = now
        visit.case_number = case.case_number
    _emit(session, case, acting_staff_id=staff_id)
    await audit.append(
        session,
        actor=f"staff:{staff_id}",
        action="case.accepted",
        case_number=case.case_number,
        subject_ref=f"applicant:{person.id}",
        data={"item": item.code, "version": item.version, "as_agent": not online},
    )
    await calls.enqueue(
        session, kind=REGISTER_RECIPIENTS, key=case.case_number, payload=case.case_number.encode()
    )
    if item.deciding_tier != TIER:
        await calls.enqueue(
            session, kind=TRANSMIT, key=case.case_number, payload=case.case_number.encode()
        )
    await session.flush()
    return Outcome(kind="accepted", item=item, case=case)


def _emit(session: AsyncSession, case: VillageCase, **facts: object) -> None:
    """Tell the other tiers, and keep the step in the applicant's record."""
    event_id = emit_status(
        session,
        tier=TIER,
        place_code=case.place_code,
        case_number=case.case_number,
        origin_place_code=case.place_code,
        item_code=case.item_code,
        item_version=case.item_version,
        status=case.status,
        department_code=case.department_code,
        deadline=case.deadline,
        **facts,  # type: ignore[arg-type]
    )
    session.add(
        CaseStep(
            event_id=event_id,
            case_id=case.id,
            tier=TIER,
            status=case.status,
            reason_code=str(facts.get("reason_code", "")),
            acting_staff_id=str(facts.get("acting_staff_id", "")),
            occurred_at=utcnow(),
        )
    )


async def get_case(session: AsyncSession, case_number: str) -> VillageCase:
    case = await session.scalar(select(VillageCase).where(VillageCase.case_number == case_number))
    if case is None:
        raise NotFound(
            f"no case {case_number}", message_zh=f"无此办件：{case_number}", field="case_number"
        )
    return case


async def find_by_query_code(
    session: AsyncSession, case_number: str, query_code: str, *, limiter: FailureLimiter
) -> VillageCase:
    """The applicant's own look-up; failures per case number are limited against guessing."""
    limiter.check(case_number)
    case = await session.scalar(select(VillageCase).where(VillageCase.case_number == case_number))
    if case is None or not secrets.compare_digest(case.query_code, query_code.upper()):
        limiter.failed(case_number)
        raise NotFound(
            "no case with this number and query code", message_zh="办件编号或查询码不正确"
        )
    return case


async def transfer_for(
    session: AsyncSession, case_number: str, sender_place_code: str
) -> case_pb2.CaseTransfer:
    """The whole case with its materials, as it travels up (decision 1)."""
    case = await get_case(session, case_number)
    person = await session.get(Applicant, case.applicant_id)
    assert person is not None
    materials = await session.scalars(
        select(VillageCaseMaterial).where(VillageCaseMaterial.case_id == case.id)
    )
    return case_pb2.CaseTransfer(
        case_number=case.case_number,
        query_code=case.query_code,
        item_code=case.item_code,
        item_version=case.item_version,
        origin_place_code=case.place_code,
        origin_tier=TIER,
        sender_place_code=sender_place_code,
        applicant=case_pb2.Applicant(
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            language=person.language,
        ),
        materials=[
            case_pb2.Material(
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                content=m.content,
                sha256=m.sha256,
            )
            for m in materials
        ],
        accepted_at=ts(case.accepted_at),
        deadline=ts(case.deadline),
        agent_staff_id=case.agent_staff_id,
        acting_staff_id=case.agent_staff_id,
        applicant_ref=f"applicant:{case.applicant_id}@{case.place_code}",
    )


async def applicant_of(session: AsyncSession, case: VillageCase) -> Applicant:
    person = await session.get(Applicant, case.applicant_id)
    assert person is not None
    return person


async def transmitted(session: AsyncSession, *, case_number: str) -> None:
    """The township acknowledged the case."""
    case = await get_case(session, case_number)
    if case.status == case_pb2.CASE_STATUS_ACCEPTED:
        MACHINE.move(case, case_pb2.CASE_STATUS_TRANSMITTED)
        _emit(session, case)
        await audit.append(
            session,
            actor="service:village-room",
            action="case.transmitted",
            case_number=case_number,
        )


async def on_status_event(session: AsyncSession, *, event: events_pb2.CaseStatusChanged) -> None:
    """A step made above reached us: keep it in the record; a suspension fetches what to
    supplement, a withdrawal is confirmed, a decision fetches the document (decision 1)."""
    case = await session.scalar(
        select(VillageCase).where(VillageCase.case_number == event.case_number)
    )
    if case is None:
        return
    if await session.get(CaseStep, event.event_id) is None:
        session.add(
            CaseStep(
                event_id=event.event_id,
                case_id=case.id,
                tier=event.tier,
                status=event.status,
                reason_code=event.reason_code,
                acting_staff_id=event.acting_staff_id,
                occurred_at=from_ts(event.occurred_at),
            )
        )
    if event.status in DECIDED:
        await calls.enqueue(
            session, kind=FETCH_DECISION, key=case.case_number, payload=case.case_number.encode()
        )
    elif event.status == case_pb2.CASE_STATUS_SUSPENDED and MACHINE.allows(
        case.status, case_pb2.CASE_STATUS_SUSPENDED
    ):
        case.status = case_pb2.CASE_STATUS_SUSPENDED
        await calls.enqueue(
            session,
            kind=FETCH_STATE,
            key=event.event_id,
            payload=case.case_number.encode(),
        )
    elif event.status == case_pb2.CASE_STATUS_WITHDRAWN and MACHINE.allows(
        case.status, case_pb2.CASE_STATUS_WITHDRAWN
    ):
        case.status = case_pb2.CASE_STATUS_WITHDRAWN


async def record_reply(session: AsyncSession, *, decision: case_pb2.Decision) -> Reply:
    case = await get_case(session, decision.case_number)
    existing = await session.get(Reply, case.id)
    if existing is not None:
        return existing
    if decision.status not in DECIDED:
        raise Conflict(f"case {decision.case_number} is not decided")
    reply = Reply(
        case_id=case.id,
        decision_status=decision.status,
        result_document_number=decision.result_document_number,
        document_title=decision.document_title,
        document_text=decision.document_text,
        legal_reason=decision.legal_reason,
    )
    session.add(reply)
    MACHINE.move(case, case_pb2.CASE_STATUS_REPLY_READY)
    case.supplement_request = None
    _emit(session, case, result_document_number=decision.result_document_number)
    await audit.append(
        session,
        actor="service:village-room",
        action="case.reply_ready",
        case_number=case.case_number,
        data={
            "decision": case_pb2.CaseStatus.Name(decision.status),
            "document": decision.result_document_number,
        },
    )
    await session.flush()
    return reply


async def reply_of(session: AsyncSession, case: VillageCase) -> Reply | None:
    return await session.get(Reply, case.id)
