"""The deciding tier's steps besides the decision itself: take the case, suspend it for a
supplement and resume on its arrival, extend the time limit, accept a withdrawal (L2-L4).

Every step goes through the commitment machine (govnet_kit.lifecycle), is emitted as a thin
event and recorded in the audit chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case import timers
from city_center.case.models import CaseDecision, CaseMaterial, CityCase
from city_center.catalog import service as catalog_service
from govnet.common.v1 import case_pb2
from govnet_kit import audit, holders, lifecycle
from govnet_kit.auth import Principal
from govnet_kit.cases import emit_status, ts
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from govnet_kit.worktime import WorkCalendar

TIER = case_pb2.TIER_CITY
MACHINE = lifecycle.COMMITMENT


async def locked_case(session: AsyncSession, case_number: str) -> CityCase:
    """The case row locked until commit: a decision, a withdrawal and the default never race."""
    case = await session.scalar(
        select(CityCase).where(CityCase.case_number == case_number).with_for_update()
    )
    if case is None:
        raise NotFound(
            f"no case {case_number}", message_zh=f"无此办件：{case_number}", field="case_number"
        )
    return case


def require_department(staff: Principal, case: CityCase) -> None:
    staff.require_staff(tier="city")
    if staff.department_code != case.department_code:
        raise PermissionDenied(
            "only staff of the case's department may handle it",
            message_zh="仅本事项所属部门工作人员可以办理",
        )


def emit(session: AsyncSession, case: CityCase, city_place_code: str, **facts: object) -> None:
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
        suspended=case.status == case_pb2.CASE_STATUS_SUSPENDED,
        **facts,  # type: ignore[arg-type]
    )


async def check_not_held(
    session: AsyncSession, case: CityCase, staff: Principal, on_behalf_of: str = ""
) -> None:
    """Another colleague took or decided the case: the 409 names them (issue 7)."""
    await holders.check_not_held(
        session,
        case,
        staff_id=staff.subject,
        decision_model=CaseDecision,
        on_behalf_of=on_behalf_of,
    )


async def claim(
    session: AsyncSession, *, case: CityCase, staff: Principal, city_place_code: str
) -> CityCase:
    """The first person asked owns the case (首问负责, L3); taking it again is a no-op."""
    require_department(staff, case)
    await check_not_held(session, case, staff)
    if case.status == case_pb2.CASE_STATUS_IN_REVIEW and case.owner_staff_id == staff.subject:
        return case
    MACHINE.move(case, case_pb2.CASE_STATUS_IN_REVIEW)
    case.owner_staff_id = staff.subject
    emit(session, case, city_place_code, acting_staff_id=staff.subject)
    await audit.append(
        session, actor=f"staff:{staff.subject}", action="case.claimed", case_number=case.case_number
    )
    return case


async def hand_on(
    session: AsyncSession, *, case: CityCase, staff: Principal, to_staff_id: str, reason: str
) -> CityCase:
    """The owner hands the case on to a colleague; ownership moves only this way (L3)."""
    require_department(staff, case)
    await check_not_held(session, case, staff)
    if case.owner_staff_id != staff.subject:  # nobody took it yet
        raise PermissionDenied(
            "only the staff member who owns the case may hand it on",
            message_zh="只有承办人可以移交办件",
        )
    if not to_staff_id.strip() or to_staff_id == staff.subject:
        raise InvalidArgument(
            "name the colleague who takes the case", message_zh="请指定接办人", field="to_staff_id"
        )
    case.owner_staff_id = to_staff_id
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.handed_on",
        case_number=case.case_number,
        data={"to": to_staff_id, "reason": reason},
    )
    return case


@dataclass(frozen=True)
class SupplementInput:
    material_codes: list[str]
    note: str


async def suspend(
    session: AsyncSession,
    *,
    case: CityCase,
    staff: Principal,
    request: SupplementInput,
    calendar: WorkCalendar,
    city_place_code: str,
    now: datetime | None = None,
) -> CityCase:
    """Ask for a supplement: the clock stops with the working days it had left (L2)."""
    require_department(staff, case)
    await check_not_held(session, case, staff)
    if case.status == case_pb2.CASE_STATUS_PENDING_DECISION:
        await claim(session, case=case, staff=staff, city_place_code=city_place_code)
    item = await catalog_service.get_version(session, case.item_code, case.item_version)
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
    MACHINE.move(case, case_pb2.CASE_STATUS_SUSPENDED)
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
    emit(session, case, city_place_code, acting_staff_id=staff.subject, reason_code="supplement")
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
    case: CityCase,
    materials: list[case_pb2.Material],
    sender: str,
    calendar: WorkCalendar,
    city_place_code: str,
    now: datetime | None = None,
) -> CityCase:
    """The supplement arrived: store it, restart the clock with the days it had left."""
    if case.status != case_pb2.CASE_STATUS_SUSPENDED:
        # A retried send after the case resumed: nothing more to do.
        if case.suspended_at is None and case.status == case_pb2.CASE_STATUS_IN_REVIEW:
            return case
        MACHINE.check(case.status, case_pb2.CASE_STATUS_IN_REVIEW)
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
            CaseMaterial(
                case_id=case.id,
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                sha256=m.sha256 or hashlib.sha256(m.content).hexdigest(),
                content=m.content,
            )
        )
    now = now or utcnow()
    MACHINE.move(case, case_pb2.CASE_STATUS_IN_REVIEW)
    due = calendar.resumed(now, case.remaining_days or 0)
    case.deadline = due.due_at
    await timers.arm(session, case)
    case.suspended_at = None
    case.remaining_days = None
    case.supplement_request = None
    emit(session, case, city_place_code, reason_code="supplemented")
    await audit.append(
        session,
        actor=sender,
        action="case.resumed",
        case_number=case.case_number,
        data={"materials": sorted(given), "deadline": case.deadline.isoformat()},
    )
    return case


async def extend(
    session: AsyncSession,
    *,
    case: CityCase,
    staff: Principal,
    days: int,
    reason: str,
    calendar: WorkCalendar,
    city_place_code: str,
) -> CityCase:
    """Once, by at most the working days the item allows, with a recorded reason (L2)."""
    require_department(staff, case)
    await check_not_held(session, case, staff)
    item = await catalog_service.get_version(session, case.item_code, case.item_version)
    if item.extension_days <= 0:
        raise Conflict(
            f"item {item.code} allows no extension", message_zh="该事项不允许延长办理期限"
        )
    if case.extended_days:
        raise Conflict("the time limit was already extended", message_zh="办理期限已延长过")
    if not 1 <= days <= item.extension_days:
        raise InvalidArgument(
            f"days must be between 1 and {item.extension_days}",
            message_zh=f"延长天数须在1至{item.extension_days}个工作日之间",
            field="days",
        )
    if len(reason.strip()) < 4:
        raise InvalidArgument(
            "state the reason for the extension", message_zh="请说明延期理由", field="reason"
        )
    if case.status not in (case_pb2.CASE_STATUS_PENDING_DECISION, case_pb2.CASE_STATUS_IN_REVIEW):
        raise Conflict(
            f"a case that is {lifecycle.name(case.status)} cannot be extended",
            message_zh="当前状态的办件不能延期",
        )
    case.deadline = calendar.extended(case.deadline, days).due_at
    await timers.arm(session, case)
    case.extended_days = days
    emit(session, case, city_place_code, acting_staff_id=staff.subject, reason_code="extended")
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.extended",
        case_number=case.case_number,
        data={"days": days, "deadline": case.deadline.isoformat(), "reason": reason},
    )
    return case


async def withdraw(
    session: AsyncSession, *, case: CityCase, reason: str, requested_by: str, city_place_code: str
) -> int:
    """Before the decision the applicant may withdraw (L4); after it, the decision stands."""
    if case.status in lifecycle.DECIDED or case.status == case_pb2.CASE_STATUS_WITHDRAWN:
        return case.status
    MACHINE.move(case, case_pb2.CASE_STATUS_WITHDRAWN)
    await timers.disarm(session, case)
    case.suspended_at = None
    case.remaining_days = None
    emit(session, case, city_place_code, reason_code="withdrawn")
    await audit.append(
        session,
        actor=requested_by,
        action="case.withdrawn",
        case_number=case.case_number,
        data={"reason": reason},
    )
    return case.status


def state_message(case: CityCase) -> case_pb2.CaseState:
    state = case_pb2.CaseState(
        case_number=case.case_number,
        status=case.status,
        tier=TIER,
        deadline=ts(case.deadline),
        suspended=case.status == case_pb2.CASE_STATUS_SUSPENDED,
        extended_days=case.extended_days,
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


async def assign_process_agent(
    session: AsyncSession, *, case: CityCase, staff: Principal, agent_staff_id: str, reason: str
) -> CityCase:
    """Center staff (no department) or the case's department name the full-process agent of a
    project approval; the agent follows it across departments (L3)."""
    staff.require_staff(tier="city")
    if staff.department_code and staff.department_code != case.department_code:
        raise PermissionDenied(
            "only the center or the case's department names its agent",
            message_zh="仅服务中心或本事项所属部门可以指定全程代理人",
        )
    if not agent_staff_id.strip():
        raise InvalidArgument(
            "name the agent", message_zh="请指定全程代理人", field="agent_staff_id"
        )
    if case.status in lifecycle.DECIDED or case.status in (
        case_pb2.CASE_STATUS_WITHDRAWN,
        case_pb2.CASE_STATUS_CLOSED,
    ):
        raise Conflict(
            "the case is finished; no agent to name", message_zh="办件已办结，无需指定代理人"
        )
    previous = case.process_agent_staff_id
    case.process_agent_staff_id = agent_staff_id
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.process_agent_assigned",
        case_number=case.case_number,
        data={"agent": agent_staff_id, "previous": previous, "reason": reason},
    )
    return case


def may_see(staff: Principal, case: CityCase) -> bool:
    """The case's department, the center (no department), or its full-process agent."""
    return (
        not staff.department_code
        or staff.department_code == case.department_code
        or (bool(case.process_agent_staff_id) and staff.subject == case.process_agent_staff_id)
    )
