"""Joint handling with the absence default (联合办理与缺席默认, L6).

The lead department's owner convenes the departments the item names, with an opinion deadline
in working days. Each department's representative agrees or disagrees (with a reason) under
its own delegated approval credential. A department absent or silent at the deadline is deemed
to consent, and the record names it. All consent: the case is approved. A reasoned
disagreement: the case stays in review, flagged for the lead department to coordinate and
decide (a refusal then needs its legal reason like any other).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from city_center.case import flags, steps
from city_center.case import service as case_service
from city_center.case.models import CityCase
from city_center.catalog import service as catalog_service
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.db import Base, new_id, skip_locked, transaction, utcnow
from govnet_kit.errors import Conflict, InvalidArgument, PermissionDenied
from govnet_kit.tiers import handling_at
from govnet_kit.worktime import WorkCalendar

PENDING, AGREE, DISAGREE, DEEMED = "pending", "agree", "disagree", "deemed_agree"
CONSENT, DISAGREEMENT = "consent", "disagreement"


class JointMeeting(Base):
    __tablename__ = "joint_meeting"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("city_case.id"), unique=True)
    convened_by: Mapped[str] = mapped_column(String(36))
    convened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opinion_deadline: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")


class JointOpinion(Base):
    __tablename__ = "joint_opinion"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("joint_meeting.id"), primary_key=True)
    department_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    opinion: Mapped[str] = mapped_column(String(20), default=PENDING)
    reason: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[str] = mapped_column(String(36), default="")
    on_behalf_of: Mapped[str] = mapped_column(String(36), default="")
    credential_id: Mapped[str] = mapped_column(String(64), default="")
    given_at: Mapped[datetime | None]


async def meeting_of(session: AsyncSession, case: CityCase) -> JointMeeting | None:
    return await session.scalar(select(JointMeeting).where(JointMeeting.case_id == case.id))


async def opinions(session: AsyncSession, meeting: JointMeeting) -> list[JointOpinion]:
    rows = await session.scalars(
        select(JointOpinion)
        .where(JointOpinion.meeting_id == meeting.id)
        .order_by(JointOpinion.department_code)
    )
    return list(rows.all())


async def convene(
    session: AsyncSession,
    *,
    case: CityCase,
    staff: Principal,
    working_days: int,
    calendar: WorkCalendar,
    city_place_code: str,
    now: datetime | None = None,
) -> JointMeeting:
    steps.require_department(staff, case)
    item = await catalog_service.get_version(session, case.item_code, case.item_version)
    if handling_at(item, case_pb2.TIER_CITY) != catalog_pb2.HANDLING_JOINT:
        raise Conflict(
            f"item {item.code} is not handled in a joint meeting",
            message_zh="该事项不实行联合办理",
        )
    if not 1 <= working_days <= 20:
        raise InvalidArgument(
            "the opinion deadline is 1 to 20 working days",
            message_zh="意见期限须为1至20个工作日",
            field="working_days",
        )
    if await meeting_of(session, case) is not None:
        raise Conflict("the joint meeting is already convened", message_zh="联席会议已召集")
    if case.status == case_pb2.CASE_STATUS_PENDING_DECISION:
        await steps.claim(session, case=case, staff=staff, city_place_code=city_place_code)
    if case.status != case_pb2.CASE_STATUS_IN_REVIEW:
        raise Conflict(
            "only a case in review can go to a joint meeting",
            message_zh="仅审查中的办件可以召集联席会议",
        )
    now = now or utcnow()
    meeting = JointMeeting(
        case_id=case.id,
        convened_by=staff.subject,
        convened_at=now,
        opinion_deadline=calendar.resumed(now, working_days).due_at,
    )
    session.add(meeting)
    await session.flush()
    for code in item.joint_department_codes:
        session.add(JointOpinion(meeting_id=meeting.id, department_code=code))
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.joint_meeting_convened",
        case_number=case.case_number,
        data={
            "departments": list(item.joint_department_codes),
            "opinion_deadline": meeting.opinion_deadline.isoformat(),
        },
        at=now,
    )
    await session.flush()
    return meeting


async def give_opinion(
    session: AsyncSession,
    *,
    case: CityCase,
    staff: Principal,
    credential: ApprovalCredential,
    opinion: Literal["agree", "disagree"],
    reason: str,
    city_place_code: str,
    now: datetime | None = None,
) -> JointMeeting:
    """A department's word, under its representative's credential."""
    staff.require_staff(tier="city")
    if credential.actor_staff_id != staff.subject:
        raise PermissionDenied(
            "the approval credential belongs to someone else",
            message_zh="审批授权凭证不属于当前用户",
        )
    if credential.tier and credential.tier != "city":
        raise PermissionDenied(
            "credential not valid at the city tier", message_zh="审批授权不适用于市级"
        )
    meeting = await meeting_of(session, case)
    if meeting is None or meeting.closed_at is not None:
        raise Conflict(
            "no joint meeting is open for this case", message_zh="该办件没有进行中的联席会议"
        )
    row = await session.get(JointOpinion, (meeting.id, credential.department_code))
    if row is None:
        raise PermissionDenied(
            f"department {credential.department_code} is not convened to this meeting",
            message_zh="该部门不是本次联席会议的参会部门",
        )
    if row.opinion != PENDING:
        raise Conflict(
            f"department {row.department_code} already gave its opinion ({row.opinion})",
            message_zh="该部门已经提出意见",
        )
    if opinion == DISAGREE and len(reason.strip()) < 4:
        raise InvalidArgument(
            "a disagreement states its reason", message_zh="不同意须说明理由", field="reason"
        )
    now = now or utcnow()
    row.opinion = opinion
    row.reason = reason
    row.staff_id = staff.subject
    row.on_behalf_of = credential.on_behalf_of
    row.credential_id = credential.credential_id[:64]
    row.given_at = now
    await session.flush()
    closing = all(o.opinion != PENDING for o in await opinions(session, meeting))
    if closing:
        await _lock_numbering(session, case)  # before this opinion's audit entry
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="case.joint_opinion",
        case_number=case.case_number,
        data={
            "department": row.department_code,
            "opinion": opinion,
            "credential": credential.credential_id,
            "on_behalf_of": credential.on_behalf_of,
        },
        at=now,
    )
    await session.flush()
    if closing:
        await close(session, meeting=meeting, case=case, city_place_code=city_place_code, now=now)
    return meeting


async def _lock_numbering(session: AsyncSession, case: CityCase) -> None:
    """A meeting that closes may approve the case and number its document after appending
    to the audit chain: the department's sequence is locked first (the lock order rule,
    case/service.py), so a sweep of the department's defaults never deadlocks with it."""
    if case.status == case_pb2.CASE_STATUS_IN_REVIEW:
        await case_service.lock_document_sequence(session, case.department_code)


async def close(
    session: AsyncSession,
    *,
    meeting: JointMeeting,
    case: CityCase,
    city_place_code: str,
    now: datetime,
) -> str:
    """Silent departments are deemed to consent; the outcome decides the case."""
    rows = await opinions(session, meeting)
    deemed = [o.department_code for o in rows if o.opinion == PENDING]
    for o in rows:
        if o.opinion == PENDING:
            o.opinion = DEEMED
            o.given_at = now
    meeting.closed_at = now
    meeting.outcome = DISAGREEMENT if any(o.opinion == DISAGREE for o in rows) else CONSENT
    if meeting.outcome == CONSENT:
        await _lock_numbering(session, case)
    await audit.append(
        session,
        actor="system:joint-meeting",
        action="case.joint_meeting_closed",
        case_number=case.case_number,
        data={"outcome": meeting.outcome, "deemed_to_consent": deemed},
        at=now,
    )
    if case.status != case_pb2.CASE_STATUS_IN_REVIEW:
        return meeting.outcome  # decided, withdrawn or suspended meanwhile: nothing to decide
    if meeting.outcome == CONSENT:
        item = await catalog_service.get_version(session, case.item_code, case.item_version)
        number = await case_service.next_document_number(session, case.department_code)
        title, text = case_service.approval_text(item, case, number)
        consented = ", ".join(o.department_code for o in rows)
        await case_service.record_decision(
            session,
            case=case,
            status=case_pb2.CASE_STATUS_APPROVED,
            number=number,
            title=title,
            text=text
            + f"\n联席会议意见一致（{consented}）/ The joint meeting consented ({consented}).",
            reason_code="joint_consent",
            legal_reason="",
            decided_by=meeting.convened_by,
            credential_id=f"joint:{meeting.id}",
            city_place_code=city_place_code,
            at=now,
        )
    else:
        flags.raise_flag(
            session,
            case_id=case.id,
            case_number=case.case_number,
            kind=flags.JOINT_DISAGREEMENT,
            department_code=case.department_code,
            responsible_staff_id=case.owner_staff_id,
            note="; ".join(
                f"{o.department_code}: {o.reason}" for o in rows if o.opinion == DISAGREE
            ),
            at=now,
        )
    return meeting.outcome


async def sweep(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, city_place_code: str
) -> list[str]:
    """Close every meeting whose opinion deadline has passed. Returns the case numbers."""
    async with sessions() as session:
        due = list(
            (
                await session.scalars(
                    select(JointMeeting.id)
                    .where(JointMeeting.closed_at.is_(None), JointMeeting.opinion_deadline <= now)
                    .order_by(JointMeeting.opinion_deadline)
                    .limit(200)
                )
            ).all()
        )
    closed = []
    for meeting_id in due:
        async with transaction(sessions) as session:
            meeting = await session.get(JointMeeting, meeting_id)
            if meeting is None:
                continue
            # The case row first, as every path locks it (timers.py).
            case = await session.scalar(
                select(CityCase)
                .where(CityCase.id == meeting.case_id)
                .with_for_update(**skip_locked(session))
            )
            if case is None:
                continue
            await session.refresh(meeting)
            if meeting.closed_at is not None:
                continue
            await close(
                session, meeting=meeting, case=case, city_place_code=city_place_code, now=now
            )
            closed.append(case.case_number)
    return closed
