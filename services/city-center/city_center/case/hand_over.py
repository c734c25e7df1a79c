"""The hand-over of an online case's result at the city (T1, L4): the result is handed over
where the applicant applied, and for a case applied for online that is the city itself.

After the decision (approved or deemed approved with its result document, or refused with its
letter) the case waits on its department's "to hand over" list. The department's staff hand it
over in person at the department's window of the city center, once the applicant's ID card
matches the case, or send it by post with its tracking number. Either way: who and when, the
status `replied` (govnet_kit.lifecycle) as a status event, an audit entry; and the public
look-up says first where to collect the result, then that it was handed over.

An escalated case's result is handed over below (the village room or the township hall), so it
never appears here. The city keeps no fee record of an online case (C6 is collected where a
window accepts the case), so nothing holds the hand-over back for a fee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case import steps
from city_center.case.models import CaseDecision, CityCase
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit, holders, lifecycle
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound
from govnet_kit.personal import valid_id_number

ONLINE = "online"
IN_PERSON, POST = "in_person", "post"
CHANNELS = (IN_PERSON, POST)
# A postal or courier tracking number: letters and digits (EMS: "EA123456789CN").
TRACKING = re.compile(r"^[A-Z0-9-]{6,40}$")


async def to_hand_over(
    session: AsyncSession, *, department_code: str, limit: int = 200
) -> list[tuple[CityCase, CaseDecision]]:
    """The department's online cases decided and not yet handed over, decided first, first."""
    rows = await session.execute(
        select(CityCase, CaseDecision)
        .join(CaseDecision, CaseDecision.case_id == CityCase.id)
        .where(
            CityCase.department_code == department_code,
            CityCase.origin == ONLINE,
            CityCase.status.in_(lifecycle.DECIDED),
            CaseDecision.handed_over_at.is_(None),
        )
        .order_by(CaseDecision.decided_at)
        .limit(limit)
    )
    return [(c, d) for c, d in rows.tuples().all()]


async def case_to_hand_over(
    session: AsyncSession, *, case_number: str, staff: Principal, lock: bool = False
) -> tuple[CityCase, CaseDecision]:
    """The case and its decision, for the staff of its department only; refused (409) unless
    the city hands it over and it is decided."""
    if lock:  # a hand-over and a colleague's never race: the second is told who did it
        case = await steps.locked_case(session, case_number)
    else:
        found = await session.scalar(select(CityCase).where(CityCase.case_number == case_number))
        if found is None:
            raise NotFound(
                f"no case {case_number}", message_zh=f"无此办件：{case_number}", field="case_number"
            )
        case = found
    steps.require_department(staff, case)
    if case.origin != ONLINE:
        raise Conflict(
            "the result is handed over where the applicant applied (the village room or "
            "the township hall)",
            message_zh="办理结果在申请人申请的村便民服务室或乡镇便民服务中心发放",
        )
    decision = await session.get(CaseDecision, case.id)
    if decision is None:
        raise Conflict(
            f"case {case_number} is not decided yet; there is nothing to hand over",
            message_zh="该办件尚未作出决定，没有可发放的结果",
        )
    return case, decision


@dataclass(frozen=True)
class HandOverInput:
    channel: str
    id_number: str = ""
    tracking_number: str = ""


def _checked(case: CityCase, given: HandOverInput) -> tuple[str, str]:
    """The channel and the tracking number (empty in person), or a 422 naming the field."""
    if given.channel not in CHANNELS:
        raise InvalidArgument(
            "channel must be in_person or post",
            message_zh="请选择当面领取或邮寄",
            field="channel",
        )
    if given.channel == IN_PERSON:
        id_number = given.id_number.strip().upper()
        if not valid_id_number(id_number):
            raise InvalidArgument(
                "enter the 18-character number of the ID card shown",
                message_zh="请填写所出示身份证的18位号码",
                field="id_number",
            )
        if id_number != case.applicant_id_number.strip().upper():
            raise InvalidArgument(
                "the ID card is not the applicant's; hand the result to the applicant only",
                message_zh="身份证号码与申请人不符，结果只能交给申请人本人",
                field="id_number",
            )
        return IN_PERSON, ""
    tracking = given.tracking_number.strip().upper().replace(" ", "")
    if not TRACKING.match(tracking):
        raise InvalidArgument(
            "enter the post's tracking number (6 to 40 letters and digits)",
            message_zh="请填写邮件单号（6至40位字母或数字）",
            field="tracking_number",
        )
    return POST, tracking


async def hand_over(
    session: AsyncSession,
    *,
    case_number: str,
    staff: Principal,
    given: HandOverInput,
    city_place_code: str,
    now: datetime | None = None,
) -> CaseDecision:
    """Hand the document or letter over, once: a colleague who did it first is named (409)."""
    case, decision = await case_to_hand_over(
        session, case_number=case_number, staff=staff, lock=True
    )
    if decision.handed_over_at is not None:
        raise await holders.held_by(
            session,
            case_number=case.case_number,
            status=case.status,
            actions=(),
            staff_id=decision.handed_over_by,
            since=decision.handed_over_at,
        )
    channel, tracking = _checked(case, given)
    steps.MACHINE.move(case, case_pb2.CASE_STATUS_REPLIED)
    decision.handed_over_at = now or utcnow()
    decision.handed_over_by = staff.subject
    decision.hand_over_channel = channel
    decision.tracking_number = tracking
    steps.emit(
        session,
        case,
        city_place_code,
        acting_staff_id=staff.subject,
        reason_code="handed_over",
        result_document_number=decision.result_document_number,
    )
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.replied",
        case_number=case.case_number,
        # In person, the applicant's ID was checked: the entry points at them, never holds it.
        subject_ref=f"city_online_applicant:{case.id}" if channel == IN_PERSON else None,
        data={
            "document": decision.result_document_number,
            "decision": lifecycle.name(decision.status),
            "channel": channel,
            "tracking_number": tracking,
        },
    )
    return decision


@dataclass(frozen=True)
class Collection:
    """What the applicant is told of their result at the city: `ready` (where to collect it)
    or `handed_over` (how and when); "" while undecided or for a case handed over below."""

    state: str
    where_zh: str = ""
    where_en: str = ""
    handed_over_at: datetime | None = None
    channel: str = ""
    tracking_number: str = ""


def collection(
    case: CityCase, decision: CaseDecision | None, item: catalog_pb2.CatalogItem
) -> Collection:
    if case.origin != ONLINE or decision is None:
        return Collection(state="")
    if decision.handed_over_at is not None:
        return Collection(
            state="handed_over",
            handed_over_at=decision.handed_over_at,
            channel=decision.hand_over_channel,
            tracking_number=decision.tracking_number,
        )
    phone_zh = f"（咨询电话 {item.window_phone}）" if item.window_phone else ""
    phone_en = f" (phone {item.window_phone})" if item.window_phone else ""
    return Collection(
        state="ready",
        where_zh=f"请携带申请时所用的身份证，到市行政服务中心{item.department_name_zh}窗口领取"
        f"{phone_zh}；也可致电窗口约定邮寄。",
        where_en=f"Collect it at the {item.department_name_en} window of the city "
        f"administrative service center, with the ID card you applied with{phone_en}; "
        "or call the window to have it posted.",
    )
