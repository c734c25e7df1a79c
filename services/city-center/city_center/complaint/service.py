"""Complaints (S3): taken from a public form, routed to the supervisors' queue with what the
supervision projection knows about the case, followed up to a recorded outcome. Ratings (S2):
one per case, given with the rating code the applicant receives with the reply."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.complaint.models import (
    CONCLUDED,
    IN_PROGRESS,
    RECEIVED,
    Complaint,
    ComplaintStep,
    Rating,
    RatingInvitation,
)
from city_center.supervision import service as supervision_service
from city_center.supervision.models import DECIDED, RATING_CODE, CaseClock
from govnet_kit import audit
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from govnet_kit.worktime import SHANGHAI

# No 0/O, 1/I/L: a code read out at the window is typed back without mistakes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(scope: str, code: str) -> str:
    return hashlib.sha256(f"{scope}:{code.strip().upper()}".encode()).hexdigest()


def tier_of_place(place_code: str) -> str:
    """The tier a 12-digit division code names: city 341100000000, township 341102101000,
    village 341102101201."""
    if place_code.endswith("00000000"):
        return "city"
    if place_code.endswith("000"):
        return "town"
    return "village"


@dataclass(frozen=True)
class ComplaintForm:
    kind: str
    content: str
    contact: str = ""
    case_number: str = ""
    tier: str = ""
    place_code: str = ""
    department_code: str = ""
    window_id: str = ""
    staff_id: str = ""
    person: str = ""


async def _clock_for(session: AsyncSession, case_number: str, tier: str) -> CaseClock | None:
    query = select(CaseClock).where(CaseClock.case_number == case_number)
    if tier:
        query = query.where(CaseClock.tier == tier)
    # Without a tier: the tier that holds or last held the case.
    return await session.scalar(query.order_by(CaseClock.last_event_at.desc()).limit(1))


async def submit(
    session: AsyncSession, form: ComplaintForm, *, now: datetime, number: str = "", code: str = ""
) -> tuple[Complaint, str]:
    """Take a complaint; returns it and the code its number is followed with. A township's
    report box issues the number and code itself (complaint/servicer.py)."""
    if not (form.case_number or form.window_id or form.staff_id or form.person or form.place_code):
        raise InvalidArgument(
            "name what the complaint is about: a case, a window, a person or a place",
            message_zh="请填写投诉对象：办件编号、窗口、人员或地点",
            field="target",
        )
    complaint = Complaint(
        kind=form.kind,
        content=form.content,
        contact=form.contact,
        case_number=form.case_number,
        tier=form.tier,
        place_code=form.place_code,
        department_code=form.department_code,
        window_id=form.window_id,
        staff_id=form.staff_id,
        person=form.person,
        status=RECEIVED,
        received_at=now,
    )
    if form.case_number:
        clock = await _clock_for(session, form.case_number, form.tier)
        if clock is None:
            raise NotFound(
                f"no case {form.case_number} is known to the supervision",
                message_zh=f"未找到办件{form.case_number}",
                field="case_number",
            )
        # Routing: the case's own facts where the form left them out.
        complaint.tier = complaint.tier or clock.tier
        complaint.place_code = complaint.place_code or clock.place_code
        complaint.department_code = complaint.department_code or clock.department_code
        complaint.window_id = complaint.window_id or clock.window_id
        complaint.staff_id = complaint.staff_id or clock.responsible_staff_id
    if complaint.place_code and not complaint.tier:
        complaint.tier = tier_of_place(complaint.place_code)
    code = code or new_code()
    complaint.number = (
        number or f"CP-{now.astimezone(SHANGHAI):%Y%m%d}-{secrets.token_hex(3).upper()}"
    )
    complaint.code_hash = code_hash(complaint.number, code)
    session.add(complaint)
    await session.flush()
    await audit.append(
        session,
        actor="public",
        action="complaint.received",
        case_number=complaint.case_number or None,
        subject_ref=f"complaint:{complaint.id}",
        data={
            "number": complaint.number,
            "kind": complaint.kind,
            "tier": complaint.tier,
            "place_code": complaint.place_code,
            "department_code": complaint.department_code,
            "window_id": complaint.window_id,
            "staff_id": complaint.staff_id,
        },
        at=now,
    )
    return complaint, code


async def get(session: AsyncSession, number: str, *, lock: bool = False) -> Complaint:
    query = select(Complaint).where(Complaint.number == number)
    if lock:
        query = query.with_for_update()
    complaint = await session.scalar(query)
    if complaint is None:
        raise NotFound(f"no complaint {number}", message_zh=f"未找到投诉{number}", field="number")
    return complaint


async def public_view(session: AsyncSession, number: str, code: str) -> Complaint:
    """The complainant follows their complaint with its number and code."""
    complaint = await session.scalar(select(Complaint).where(Complaint.number == number))
    if complaint is None or not hmac.compare_digest(complaint.code_hash, code_hash(number, code)):
        raise NotFound(
            "no complaint with this number and code",
            message_zh="投诉编号或查询码不正确",
            field="code",
        )
    return complaint


async def steps(session: AsyncSession, complaint: Complaint) -> list[ComplaintStep]:
    rows = await session.scalars(
        select(ComplaintStep)
        .where(ComplaintStep.complaint_id == complaint.id)
        .order_by(ComplaintStep.seq)
    )
    return list(rows.all())


async def queue(
    session: AsyncSession, *, status: str | None, place: str | None, limit: int
) -> list[Complaint]:
    query = select(Complaint).order_by(Complaint.received_at).limit(limit)
    if status:
        query = query.where(Complaint.status == status)
    if place:
        # A complaint naming no place is the city's: every supervisor's queue shows it.
        query = query.where(or_(Complaint.place_code == "", Complaint.place_code.like(place + "%")))
    return list((await session.scalars(query)).all())


async def _step(
    session: AsyncSession, complaint: Complaint, action: str, staff_id: str, note: str, at: datetime
) -> None:
    # Numbered in the complaint: steps in one second (or under a fixed clock) keep their order.
    seq = (
        await session.scalar(select(func.count()).where(ComplaintStep.complaint_id == complaint.id))
        or 0
    ) + 1
    session.add(
        ComplaintStep(
            complaint_id=complaint.id, seq=seq, action=action, staff_id=staff_id, note=note, at=at
        )
    )
    await audit.append(
        session,
        actor=f"staff:{staff_id}",
        action=f"complaint.{action}",
        case_number=complaint.case_number or None,
        subject_ref=f"complaint:{complaint.id}",
        data={"number": complaint.number, "status": complaint.status, "outcome": complaint.outcome},
        at=at,
    )


def _open(complaint: Complaint) -> None:
    if complaint.status == CONCLUDED:
        raise Conflict(
            f"complaint {complaint.number} is concluded",
            message_zh="该投诉已办结",
            field="status",
        )


async def take(session: AsyncSession, number: str, *, staff_id: str, now: datetime) -> Complaint:
    complaint = await get(session, number, lock=True)
    _open(complaint)
    complaint.status = IN_PROGRESS
    complaint.handler_staff_id = staff_id
    await _step(session, complaint, "taken", staff_id, "", now)
    return complaint


async def note(
    session: AsyncSession, number: str, *, staff_id: str, text: str, now: datetime
) -> Complaint:
    complaint = await get(session, number, lock=True)
    _open(complaint)
    if complaint.status == RECEIVED:
        complaint.status = IN_PROGRESS
        complaint.handler_staff_id = staff_id
    await _step(session, complaint, "note", staff_id, text, now)
    return complaint


async def conclude(
    session: AsyncSession, number: str, *, staff_id: str, outcome: str, reply: str, now: datetime
) -> Complaint:
    complaint = await get(session, number, lock=True)
    _open(complaint)
    complaint.status = CONCLUDED
    complaint.outcome = outcome
    complaint.reply = reply
    complaint.concluded_at = now
    complaint.handler_staff_id = complaint.handler_staff_id or staff_id
    await _step(session, complaint, "concluded", staff_id, reply, now)
    return complaint


# -- ratings -----------------------------------------------------------------------------------


async def invite_rating(session: AsyncSession, *, clock: CaseClock) -> RatingInvitation | None:
    """When the reply is ready where the case was accepted, make its rating code and owe it to
    the staff there, who hand it to the applicant with the reply. Once per case."""
    if clock.state != DECIDED or clock.place_code != clock.origin_place_code:
        return None
    if await session.get(RatingInvitation, clock.case_number) is not None:
        return None
    code = new_code()
    invitation = RatingInvitation(
        case_number=clock.case_number,
        code_hash=code_hash(clock.case_number, code),
        invited_at=clock.last_event_at,
    )
    session.add(invitation)
    await supervision_service.owe(
        session, clock=clock, kind=RATING_CODE, values={"code": code}, now=clock.last_event_at
    )
    return invitation


async def rate(
    session: AsyncSession,
    *,
    case_number: str,
    code: str,
    score: int,
    comment: str,
    now: datetime,
) -> Rating:
    invitation = await session.get(RatingInvitation, case_number)
    if invitation is None or not hmac.compare_digest(
        invitation.code_hash, code_hash(case_number, code)
    ):
        raise PermissionDenied(
            "the case number and rating code do not match",
            message_zh="办件编号与评价码不符",
            field="code",
        )
    if await session.get(Rating, case_number, with_for_update=True) is not None:
        raise Conflict(
            f"case {case_number} is already rated", message_zh="该办件已评价", field="case_number"
        )
    rating = Rating(case_number=case_number, score=score, comment=comment, rated_at=now)
    session.add(rating)
    try:
        await session.flush()
    except IntegrityError as exc:  # the same case rated twice at once: the second loses
        raise Conflict(
            f"case {case_number} is already rated", message_zh="该办件已评价", field="case_number"
        ) from exc
    await audit.append(
        session,
        actor="public",
        action="case.rated",
        case_number=case_number,
        data={"score": score},
        at=now,
    )
    return rating
