"""The township hall's part in a city item's journey: receive from a village, escalate to the
city (C3 assisted), learn the decision from its event and fetch the document (decision 1)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit import audit, calls, catalog_replica, lifecycle
from govnet_kit.cases import emit_status, from_ts, ts, validate_transfer
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, Unavailable
from town_hall.case import timers, windows
from town_hall.case.models import TownCase, TownCaseMaterial, TownDecision

TIER = case_pb2.TIER_TOWN
DECIDED = lifecycle.DECIDED
# A city item's case here (C3 assisted); the township's own items follow their own machine.
MACHINE = lifecycle.ASSISTED
MACHINES = {m.key: m for m in (lifecycle.ASSISTED, lifecycle.COMMITMENT, lifecycle.DIRECT)}


def machine_of(case: TownCase) -> lifecycle.Machine:
    return MACHINES[case.handling or lifecycle.ASSISTED.key]


def decided_here(case: TownCase) -> bool:
    """The township decides the case itself (its own item), rather than forwarding it."""
    return case.handling != lifecycle.ASSISTED.key


# A step of the city, as this hall records it: resuming puts the case back to "transmitted".
MIRRORED = {
    case_pb2.CASE_STATUS_SUSPENDED: case_pb2.CASE_STATUS_SUSPENDED,
    case_pb2.CASE_STATUS_IN_REVIEW: case_pb2.CASE_STATUS_TRANSMITTED,
    case_pb2.CASE_STATUS_WITHDRAWN: case_pb2.CASE_STATUS_WITHDRAWN,
    **{s: s for s in DECIDED},
}
ESCALATE = "escalate"
FETCH_DECISION = "fetch_decision"


def township_of(place_code: str) -> str:
    """A village's township by the division code: its first nine digits."""
    return place_code[:9] + "000"


async def receive(
    session: AsyncSession, *, transfer: case_pb2.CaseTransfer, sender: str
) -> tuple[TownCase, bool]:
    """A village transmits a case as agent (T4). Idempotent by case number."""
    validate_transfer(transfer)
    existing = await session.scalar(
        select(TownCase).where(TownCase.case_number == transfer.case_number)
    )
    if existing is not None:
        return existing, False
    item = await catalog_replica.version(session, transfer.item_code, transfer.item_version)
    if item is None:
        # The catalog comes down by stream: a version the village has and this hall has not is
        # on its way. UNAVAILABLE keeps the sender retrying (govnet_kit.calls), not refused.
        raise Unavailable(
            f"item {transfer.item_code} v{transfer.item_version} is not in this hall's copy "
            "of the catalog yet; ask again shortly",
            message_zh="本级目录副本中尚无此事项版本，请稍后再试",
            field="transfer.item_code",
        )
    if catalog_replica.handling_at(item, TIER) == catalog_pb2.HANDLING_UNSPECIFIED:
        raise InvalidArgument(
            f"item {item.code} is not accepted at township halls", field="transfer.item_code"
        )
    township = township_of(transfer.sender_place_code)
    by_town = item.deciding_tier == TIER
    case = TownCase(
        case_number=transfer.case_number,
        query_code=transfer.query_code,
        township_code=township,
        origin_place_code=transfer.origin_place_code,
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        # The township's own item waits at its window for a decision, on the village's clock
        # (commitment, even for an item decided on the spot when applied for here); a city
        # item is received and forwarded (assisted).
        status=case_pb2.CASE_STATUS_PENDING_DECISION if by_town else case_pb2.CASE_STATUS_RECEIVED,
        handling=lifecycle.COMMITMENT.key if by_town else lifecycle.ASSISTED.key,
        window_code=await windows.route(session, township, item),
        applicant_name=transfer.applicant.name,
        applicant_id_number=transfer.applicant.id_number,
        accepted_at=from_ts(transfer.accepted_at),
        deadline=from_ts(transfer.deadline),
        agent_staff_id=transfer.agent_staff_id,
    )
    session.add(case)
    await session.flush()
    if by_town:
        await timers.arm(session, case)
    for m in transfer.materials:
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
    _emit(session, case)
    await audit.append(
        session,
        actor=sender,
        action="case.received",
        case_number=case.case_number,
        data={
            "from": transfer.sender_place_code,
            "materials": len(transfer.materials),
            "window": case.window_code,
        },
    )
    if item.deciding_tier == case_pb2.TIER_CITY:
        onward = case_pb2.CaseTransfer()
        onward.CopyFrom(transfer)
        onward.sender_place_code = township
        await calls.enqueue(
            session, kind=ESCALATE, key=case.case_number, payload=onward.SerializeToString()
        )
    return case, True


def _emit(session: AsyncSession, case: TownCase, **facts: object) -> str:
    return emit_status(
        session,
        tier=TIER,
        place_code=case.township_code,
        case_number=case.case_number,
        origin_place_code=case.origin_place_code,
        item_code=case.item_code,
        item_version=case.item_version,
        status=case.status,
        department_code=case.department_code,
        deadline=case.deadline,
        window_id=case.window_code,
        suspended=case.status == case_pb2.CASE_STATUS_SUSPENDED,
        **facts,  # type: ignore[arg-type]
    )


async def get_case(session: AsyncSession, case_number: str) -> TownCase:
    case = await session.scalar(select(TownCase).where(TownCase.case_number == case_number))
    if case is None:
        raise NotFound(
            f"no case {case_number}", message_zh=f"无此办件：{case_number}", field="case_number"
        )
    return case


async def list_cases(
    session: AsyncSession, *, township_code: str, window_code: str | None = None
) -> list[TownCase]:
    query = select(TownCase).where(TownCase.township_code == township_code)
    if window_code:
        query = query.where(TownCase.window_code == window_code)
    rows = await session.scalars(query.order_by(TownCase.deadline).limit(200))
    return list(rows.all())


async def escalated(session: AsyncSession, *, case_number: str) -> None:
    """The city acknowledged the escalation."""
    case = await get_case(session, case_number)
    if case.status == case_pb2.CASE_STATUS_RECEIVED:
        MACHINE.move(case, case_pb2.CASE_STATUS_TRANSMITTED)
        _emit(session, case)
        await audit.append(
            session, actor="service:town-hall", action="case.escalated", case_number=case_number
        )


async def on_status_event(session: AsyncSession, *, event: events_pb2.CaseStatusChanged) -> None:
    """A step made above, mirrored here: suspended, resumed, withdrawn, or decided — then the
    document is fetched over gRPC. A step the machine does not allow from here is stale
    (delivered again, or overtaken) and changes nothing."""
    case = await session.scalar(select(TownCase).where(TownCase.case_number == event.case_number))
    if case is None or decided_here(case):
        return  # another township's case, or one this hall decides itself
    target = MIRRORED.get(event.status)
    if target is None:
        return
    if event.status in DECIDED:
        if case.status != event.status and not MACHINE.allows(case.status, target):
            return
        case.status = target
        await calls.enqueue(
            session, kind=FETCH_DECISION, key=case.case_number, payload=case.case_number.encode()
        )
    elif MACHINE.allows(case.status, target):
        case.status = target


async def store_decision(session: AsyncSession, *, decision: case_pb2.Decision) -> TownDecision:
    """The city's decision, stored once: fetches of it may overlap (a village's GetDecision
    fetching through beside this hall's own fetch), so the case row is locked first and a
    later fetch waits, then finds the decision stored and returns it."""
    case = await locked_case(session, decision.case_number)
    existing = await session.get(TownDecision, case.id)
    if existing is not None:
        return existing
    if decision.status not in DECIDED:
        raise Conflict(f"case {decision.case_number} is not decided")
    record = TownDecision(
        case_id=case.id,
        status=decision.status,
        result_document_number=decision.result_document_number,
        document_title=decision.document_title,
        document_text=decision.document_text,
        legal_reason=decision.legal_reason,
        department_code=decision.department_code,
        decided_by=decision.decided_by_staff_id,
        decided_at=from_ts(decision.decided_at),
    )
    session.add(record)
    if case.status != decision.status:
        MACHINE.move(case, decision.status)
    await audit.append(
        session,
        actor="service:town-hall",
        action="case.decision_received",
        case_number=case.case_number,
        data={
            "status": case_pb2.CaseStatus.Name(decision.status),
            "document": decision.result_document_number,
        },
    )
    await session.flush()
    return record


async def stored_decision(session: AsyncSession, case_number: str) -> TownDecision | None:
    case = await get_case(session, case_number)
    return await session.get(TownDecision, case.id)


def decision_message(case_number: str, record: TownDecision) -> case_pb2.Decision:
    return case_pb2.Decision(
        case_number=case_number,
        status=record.status,
        result_document_number=record.result_document_number,
        document_title=record.document_title,
        document_text=record.document_text,
        legal_reason=record.legal_reason,
        department_code=record.department_code,
        decided_by_staff_id=record.decided_by,
        decided_at=ts(record.decided_at),
    )


async def decided_by_city(session: AsyncSession, case: TownCase) -> bool:
    item = await catalog_replica.version(session, case.item_code, case.item_version)
    return item is not None and item.deciding_tier == case_pb2.TIER_CITY


async def locked_case(session: AsyncSession, case_number: str) -> TownCase:
    case = await session.scalar(
        select(TownCase)
        .where(TownCase.case_number == case_number)
        .with_for_update()
        .execution_options(populate_existing=True)  # as it is now, not as read before the lock
    )
    if case is None:
        return await get_case(session, case_number)  # raises NotFound
    return case


async def withdrawn_above(session: AsyncSession, *, case_number: str, status: int) -> TownCase:
    """The city's answer to a withdrawal, recorded here (a decision comes by its event)."""
    case = await get_case(session, case_number)
    if status == case_pb2.CASE_STATUS_WITHDRAWN and MACHINE.allows(case.status, status):
        case.status = status
        await audit.append(
            session, actor="service:town-hall", action="case.withdrawn", case_number=case_number
        )
    return case


async def withdraw_here(session: AsyncSession, *, case: TownCase, reason: str, by: str) -> int:
    """A case not sent on (decided here, or still waiting to go up) is withdrawn here."""
    machine_of(case).move(case, case_pb2.CASE_STATUS_WITHDRAWN)
    await timers.disarm(session, case)
    case.suspended_at = None
    case.remaining_days = None
    case.supplement_request = None
    _emit(session, case, reason_code="withdrawn")
    await audit.append(
        session,
        actor=by,
        action="case.withdrawn",
        case_number=case.case_number,
        data={"reason": reason},
    )
    return case.status


async def add_supplement(
    session: AsyncSession, *, case_number: str, materials: list[case_pb2.Material]
) -> TownCase:
    """The supplement went up through this hall: keep it with the case, as the other materials."""
    case = await get_case(session, case_number)
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
    if case.status == case_pb2.CASE_STATUS_SUSPENDED:
        MACHINE.move(case, case_pb2.CASE_STATUS_TRANSMITTED)
    await audit.append(
        session,
        actor="service:town-hall",
        action="case.supplemented",
        case_number=case_number,
        data={"materials": sorted(m.code for m in materials)},
    )
    return case


def state_message(case: TownCase) -> case_pb2.CaseState:
    state = case_pb2.CaseState(
        case_number=case.case_number,
        status=case.status,
        tier=TIER,
        deadline=ts(case.deadline),
        suspended=case.status == case_pb2.CASE_STATUS_SUSPENDED,
        owner_staff_id=case.owner_staff_id,
    )
    req = case.supplement_request
    if req and state.suspended:
        state.supplement_request.CopyFrom(
            case_pb2.SupplementRequest(
                material_codes=req["material_codes"],
                material_names_zh=req["names_zh"],
                material_names_en=req["names_en"],
                note=req.get("note", ""),
                requested_at=ts(datetime.fromisoformat(req["requested_at"])),
                requested_by_staff_id=req.get("requested_by", ""),
            )
        )
    return state
