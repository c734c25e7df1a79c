"""Unified acceptance at the township window (T2, L1): the applicant comes to the hall itself.

The same rules as the village room: out of scope -> a redirect notice naming where to apply;
incomplete -> one one-time notice listing every missing material; complete -> an acceptance
slip with a case number of the township's place code, a query code, the deadline, rights and
obligations. Then: the township's own items wait at their window (commitment, with a clock)
or are decided on the spot (direct); a city item the city authorised townships to submit online
(`town_online_submission`) goes up to the city as an escalation does. The result document is
handed over here, recording who received it and when (L4).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit, calls, cases, catalog_replica, holders, lifecycle, seasonal
from govnet_kit.auth import Principal
from govnet_kit.cases import (
    RIGHTS_AND_OBLIGATIONS,  # noqa: F401 - on this tier's slip
    MaterialData,
    missing_materials,
    ts,
)
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound
from govnet_kit.worktime import WorkCalendar
from town_hall.case import timers, windows
from town_hall.case.models import (
    TownCase,
    TownCaseMaterial,
    TownCaseSequence,
    TownDecision,
    TownOneTimeNotice,
)
from town_hall.case.service import ESCALATE, TIER, _emit, machine_of
from town_hall.fee import service as fee_service


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str


@dataclass
class Outcome:
    """One of: redirected (out of scope), incomplete (one-time notice), accepted (slip)."""

    kind: str
    item: catalog_pb2.CatalogItem
    notice: TownOneTimeNotice | None = None
    case: TownCase | None = None
    redirect_tiers: list[str] = field(default_factory=list)


def _in_scope(item: catalog_pb2.CatalogItem) -> bool:
    """The township accepts its own items, and the city items it may submit online."""
    if catalog_replica.handling_at(item, TIER) == catalog_pb2.HANDLING_UNSPECIFIED:
        return False
    return item.deciding_tier == TIER or (
        item.deciding_tier == case_pb2.TIER_CITY and item.town_online_submission
    )


async def apply(
    session: AsyncSession,
    *,
    township_code: str,
    staff_id: str,
    item_code: str,
    applicant: ApplicantData,
    materials: list[MaterialData],
    calendar: WorkCalendar,
) -> Outcome:
    item = await catalog_replica.current(session, item_code)
    if item is None:
        raise NotFound(
            f"no item {item_code} in the catalog",
            message_zh=f"目录中无此事项：{item_code}",
            field="item_code",
        )
    if not _in_scope(item):
        # Where to apply instead: the deciding tier (an item the township only forwards,
        # without the city's leave to submit it online, is applied for at the city center).
        tiers = [catalog_replica.TIER_NAMES[item.deciding_tier]]
        return Outcome(kind="redirected", item=item, redirect_tiers=tiers)

    # A seasonal item is received in its season and on its reception days only (C5).
    refusal = seasonal.reception_refusal(item, utcnow(), calendar)
    if refusal is not None:
        raise refusal
    missing = missing_materials(item, materials)
    if missing:
        notice = TownOneTimeNotice(
            township_code=township_code,
            item_code=item.code,
            item_version=item.version,
            staff_id=staff_id,
            missing=[{"code": m.code, "name_zh": m.name_zh, "name_en": m.name_en} for m in missing],
        )
        session.add(notice)
        await session.flush()
        await audit.append(
            session,
            actor=f"staff:{staff_id}",
            action="case.one_time_notice",
            data={"item": item.code, "township": township_code, "missing": len(missing)},
        )
        return Outcome(kind="incomplete", item=item, notice=notice)

    now = utcnow()
    by_town = item.deciding_tier == TIER
    direct = catalog_replica.handling_at(item, TIER) == catalog_pb2.HANDLING_DIRECT
    deadline = calendar.deadline(now, item.time_limit_days)
    if by_town:
        handling = lifecycle.DIRECT.key if direct and by_town else lifecycle.COMMITMENT.key
        status = case_pb2.CASE_STATUS_ACCEPTED
    else:
        handling, status = lifecycle.ASSISTED.key, case_pb2.CASE_STATUS_RECEIVED
    case = TownCase(
        case_number=await cases.next_case_number(
            session, TownCaseSequence, place_code=township_code, now=now
        ),
        query_code=cases.query_code(),
        township_code=township_code,
        origin_place_code=township_code,
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        status=status,
        handling=handling,
        window_code=await windows.route(session, township_code, item),
        walk_in=True,
        owner_staff_id=staff_id,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        accepted_at=now,
        deadline=deadline.due_at,
        calendar_warning=deadline.warning,
        agent_staff_id="",
    )
    session.add(case)
    await session.flush()
    wanted = {m.code for m in item.materials}
    kept = [m for m in materials if m.code in wanted and m.content]
    for m in kept:
        session.add(
            TownCaseMaterial(
                case_id=case.id,
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                sha256=hashlib.sha256(m.content).hexdigest(),
                content=m.content,
            )
        )
    if handling == lifecycle.COMMITMENT.key:
        await timers.arm(session, case)
    _emit(session, case, acting_staff_id=staff_id)
    await audit.append(
        session,
        actor=f"staff:{staff_id}",
        action="case.accepted",
        case_number=case.case_number,
        data={
            "item": item.code,
            "version": item.version,
            "handling": handling,
            "window": case.window_code,
            "walk_in": True,
        },
    )
    if not by_town:
        await calls.enqueue(
            session,
            kind=ESCALATE,
            key=case.case_number,
            payload=online_transfer(case, kept, staff_id).SerializeToString(),
        )
    await session.flush()
    return Outcome(kind="accepted", item=item, case=case)


def online_transfer(
    case: TownCase, materials: list[MaterialData], staff_id: str
) -> case_pb2.CaseTransfer:
    """The case as the township submits it online to the city (T2), with its materials."""
    return case_pb2.CaseTransfer(
        case_number=case.case_number,
        query_code=case.query_code,
        item_code=case.item_code,
        item_version=case.item_version,
        origin_place_code=case.township_code,
        origin_tier=TIER,
        sender_place_code=case.township_code,
        applicant=case_pb2.Applicant(name=case.applicant_name, id_number=case.applicant_id_number),
        materials=[
            case_pb2.Material(
                code=m.code,
                filename=m.filename,
                content_type=m.content_type,
                content=m.content,
                sha256=hashlib.sha256(m.content).hexdigest(),
            )
            for m in materials
        ],
        accepted_at=ts(case.accepted_at),
        deadline=ts(case.deadline),
        agent_staff_id=staff_id,
        acting_staff_id=staff_id,
        applicant_ref=f"applicant:{case.id}@{case.township_code}",
    )


RECIPIENTS = ("applicant", "agent")


async def hand_over(
    session: AsyncSession,
    *,
    case: TownCase,
    staff: Principal,
    recipient: str,
    id_number: str = "",
    note: str = "",
    now: datetime | None = None,
) -> TownDecision:
    """The result document or letter handed over at this hall's window: who received it, when.

    The applicant shows their ID card (its number must be the case's); an agent shows a
    written authorisation, noted here."""
    staff.require_staff(tier="town")
    staff.require_place(case.township_code)
    if not case.walk_in:
        raise Conflict(
            "the result is handed over where the applicant applied (the village room)",
            message_zh="办理结果在申请人申请的村便民服务室发放",
        )
    record = await session.get(TownDecision, case.id)
    if record is None:
        raise Conflict(
            f"case {case.case_number} is not decided yet", message_zh="该办件尚未作出决定"
        )
    if record.handed_over_at is not None:  # a colleague handed it over first (issue 7)
        raise await holders.held_by(
            session,
            case_number=case.case_number,
            status=case.status,
            actions=(),
            staff_id=record.handed_over_by,
            since=record.handed_over_at,
        )
    if record.status != case_pb2.CASE_STATUS_REFUSED and not await fee_service.settled(
        session, case
    ):
        raise Conflict(  # one window collects (C6): the document waits for the fee
            "the fee is not paid or waived yet; collect it before handing over the document",
            message_zh="费用尚未缴纳或减免，请先收费再发放文书",
            field="fee",
        )
    if recipient not in RECIPIENTS:
        raise InvalidArgument(
            "recipient must be applicant or agent",
            message_zh="领取人须为申请人或受托人",
            field="recipient",
        )
    if recipient == "applicant":
        if id_number.strip().upper() != case.applicant_id_number.upper():
            raise InvalidArgument(
                "the ID number is not the applicant's",
                message_zh="身份证号码与申请人不符",
                field="id_number",
            )
        note = ""
    elif len(note.strip()) < 2:
        raise InvalidArgument(
            "note the agent and their written authorisation",
            message_zh="请登记受托人及其委托书",
            field="note",
        )
    machine = machine_of(case)
    target = (
        case_pb2.CASE_STATUS_REPLIED
        if machine.allows(case.status, case_pb2.CASE_STATUS_REPLIED)
        else case_pb2.CASE_STATUS_CLOSED
    )
    machine.move(case, target)
    record.handed_over_at = now or utcnow()
    record.handed_over_by = staff.subject
    record.recipient_kind = recipient
    record.recipient_note = note.strip()[:200]
    _emit(session, case, acting_staff_id=staff.subject, reason_code="handed_over")
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.replied",
        case_number=case.case_number,
        data={"document": record.result_document_number, "recipient": recipient},
    )
    return record
