"""The village's steps after acceptance: withdraw on the applicant's word, supplement what the
deciding tier asked for, hand the reply over, close; and the applicant's record (L2-L4).

Withdrawal and supplements go up as pending calls (decision 1): the status here changes when
the tier above confirms, so a case is never shown withdrawn while it is being decided.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.common.v1 import case_pb2
from govnet_kit import audit, calls, holders
from govnet_kit.cases import from_ts
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, HeldByOther, InvalidArgument
from village_room.case.models import CaseStep, Reply, VillageCase, VillageCaseMaterial
from village_room.case.service import MACHINE, MaterialData, _emit
from village_room.fee import service as fee_service
from village_room.roster.models import DutyMember

WITHDRAW = "withdraw"
SUPPLEMENT = "supplement"
# The village's steps that end the case here: whoever made one holds the case (issue 7).
HANDED = ("case.replied", "case.closed")


async def _duty_name(session: AsyncSession, staff_id: str) -> str:
    """The name the room's roster gives a staff member, for the answer naming who holds a case."""
    names = await session.scalars(
        select(DutyMember.display_name).where(DutyMember.staff_id == staff_id).limit(1)
    )
    return names.first() or ""


async def _lock(session: AsyncSession, case: VillageCase) -> None:
    """The case row locked until commit, read afresh: of two duty staff acting on one case at
    once, the second sees what the first did."""
    await session.refresh(case, with_for_update=True)


async def _held(session: AsyncSession, case: VillageCase, actions: tuple[str, ...]) -> HeldByOther:
    return await holders.held_by(
        session,
        case_number=case.case_number,
        status=case.status,
        actions=actions,
        name_of=_duty_name,
    )


async def request_withdrawal(
    session: AsyncSession, *, case: VillageCase, reason: str, by: str
) -> VillageCase:
    """Asked at the window or online by the applicant; confirmed by the deciding tier."""
    await _lock(session, case)
    if case.withdrawal_requested_at is not None:  # already asked, by whom and when
        raise await _held(session, case, ("case.withdrawal_requested",))
    if case.status in (case_pb2.CASE_STATUS_REPLIED, case_pb2.CASE_STATUS_CLOSED):
        raise await _held(session, case, HANDED)
    MACHINE.check(case.status, case_pb2.CASE_STATUS_WITHDRAWN)
    case.withdrawal_requested_at = utcnow()
    case.withdrawal_reason = reason
    await calls.enqueue(
        session, kind=WITHDRAW, key=case.case_number, payload=case.case_number.encode()
    )
    await audit.append(
        session,
        actor=by,
        action="case.withdrawal_requested",
        case_number=case.case_number,
        data={"reason": reason},
    )
    return case


async def withdrawal_answered(session: AsyncSession, *, case: VillageCase, status: int) -> None:
    """WITHDRAWN, or the decision that came first (its document comes by its own event)."""
    if status == case_pb2.CASE_STATUS_WITHDRAWN and MACHINE.allows(case.status, status):
        case.status = status
        case.supplement_request = None
    await audit.append(
        session,
        actor="service:village-room",
        action="case.withdrawal_answered",
        case_number=case.case_number,
        data={"status": case_pb2.CaseStatus.Name(status)},
    )


async def store_state(
    session: AsyncSession, *, case: VillageCase, state: case_pb2.CaseState
) -> None:
    """What to supplement, as the deciding tier asked it (shown to staff and applicant)."""
    if not state.suspended or case.status != case_pb2.CASE_STATUS_SUSPENDED:
        return
    req = state.supplement_request
    case.supplement_request = {
        "material_codes": list(req.material_codes),
        "names_zh": list(req.material_names_zh),
        "names_en": list(req.material_names_en),
        "note": req.note,
        "requested_at": from_ts(req.requested_at).isoformat()
        if req.HasField("requested_at")
        else "",
    }


async def submit_supplement(
    session: AsyncSession, *, case: VillageCase, materials: list[MaterialData], staff_id: str
) -> VillageCase:
    await _lock(session, case)
    sent = await holders.last_step(
        session, case.case_number, ("case.supplement_submitted", "case.supplement_delivered")
    )
    if (
        case.status == case_pb2.CASE_STATUS_SUSPENDED
        and sent is not None
        and sent.action == "case.supplement_submitted"
    ):  # a colleague's supplement is on its way up
        raise await _held(session, case, ("case.supplement_submitted",))
    if case.status != case_pb2.CASE_STATUS_SUSPENDED:
        raise Conflict(
            "the case is not waiting for a supplement", message_zh="该办件不在补正等待中"
        )
    if case.supplement_request is None:
        raise Conflict(
            "what to supplement is still on its way from the deciding tier; try again shortly",
            message_zh="补正要求尚未送达，请稍后再试",
        )
    asked = set(case.supplement_request["material_codes"])
    given = {m.code for m in materials if m.content}
    if not asked <= given:
        missing = sorted(asked - given)
        raise InvalidArgument(
            f"the supplement lacks: {', '.join(missing)}",
            message_zh="补正材料不全：" + "、".join(missing),
            field="materials",
        )
    case.supplements += 1
    for m in materials:
        if m.code in asked:
            session.add(
                VillageCaseMaterial(
                    case_id=case.id,
                    code=m.code,
                    filename=m.filename,
                    content_type=m.content_type,
                    sha256=hashlib.sha256(m.content).hexdigest(),
                    content=m.content,
                    supplement_no=case.supplements,
                )
            )
    # One call per supplement: a case may be suspended more than once.
    await calls.enqueue(
        session,
        kind=SUPPLEMENT,
        key=f"{case.case_number}#{case.supplements}",
        payload=f"{case.case_number}#{case.supplements}".encode(),
    )
    await audit.append(
        session,
        actor=f"staff:{staff_id}",
        action="case.supplement_submitted",
        case_number=case.case_number,
        data={"materials": sorted(asked), "supplement": case.supplements},
    )
    return case


async def supplement_materials(
    session: AsyncSession, *, case: VillageCase, number: int
) -> list[case_pb2.Material]:
    rows = await session.scalars(
        select(VillageCaseMaterial).where(
            VillageCaseMaterial.case_id == case.id, VillageCaseMaterial.supplement_no == number
        )
    )
    return [
        case_pb2.Material(
            code=m.code,
            filename=m.filename,
            content_type=m.content_type,
            content=m.content,
            sha256=m.sha256,
        )
        for m in rows
    ]


async def supplement_delivered(session: AsyncSession, *, case: VillageCase) -> None:
    """The deciding tier has it and its clock runs again."""
    if case.status == case_pb2.CASE_STATUS_SUSPENDED:
        MACHINE.move(case, case_pb2.CASE_STATUS_TRANSMITTED)
        case.supplement_request = None
        await audit.append(
            session,
            actor="service:village-room",
            action="case.supplement_delivered",
            case_number=case.case_number,
        )


async def hand_over(
    session: AsyncSession, *, case: VillageCase, staff_id: str, now: datetime | None = None
) -> Reply:
    """The applicant receives the document or letter; a fee still due holds it back (C6)."""
    await _lock(session, case)
    if case.status in (case_pb2.CASE_STATUS_REPLIED, case_pb2.CASE_STATUS_CLOSED):
        raise await _held(session, case, HANDED)
    MACHINE.check(case.status, case_pb2.CASE_STATUS_REPLIED)
    reply = await session.get(Reply, case.id)
    assert reply is not None  # reply_ready means the reply is stored
    if reply.decision_status != case_pb2.CASE_STATUS_REFUSED and not await fee_service.settled(
        session, case
    ):
        raise Conflict(
            "the fee is not paid or waived yet; collect it before handing over the document",
            message_zh="费用尚未缴纳或减免，请先收费再发放文书",
            field="fee",
        )
    MACHINE.move(case, case_pb2.CASE_STATUS_REPLIED)
    reply.handed_over_at = now or utcnow()
    _emit(session, case, acting_staff_id=staff_id)
    await audit.append(
        session,
        actor=f"staff:{staff_id}",
        action="case.replied",
        case_number=case.case_number,
        data={"document": reply.result_document_number},
    )
    return reply


async def close(session: AsyncSession, *, case: VillageCase, staff_id: str) -> VillageCase:
    await _lock(session, case)
    if case.status == case_pb2.CASE_STATUS_CLOSED:
        raise await _held(session, case, ("case.closed",))
    MACHINE.move(case, case_pb2.CASE_STATUS_CLOSED)
    _emit(session, case, acting_staff_id=staff_id)
    await audit.append(
        session, actor=f"staff:{staff_id}", action="case.closed", case_number=case.case_number
    )
    return case


async def record(session: AsyncSession, case: VillageCase) -> list[CaseStep]:
    """The steps at every tier, oldest first: what the applicant sees of their case (L3)."""
    rows = await session.scalars(
        select(CaseStep)
        .where(CaseStep.case_id == case.id)
        .order_by(CaseStep.occurred_at, CaseStep.event_id)
    )
    return list(rows.all())
