"""One matter, one discussion: proposal -> committees' study (or merge) -> the representatives'
meeting with quorum -> each representative's vote -> decision -> published."""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from village_room.proposal.models import (
    ADOPTION,
    DEADLINE_WORKING_DAYS,
    QUORUM,
    DiscussionRules,
    Proposal,
    Representative,
    RepresentativeMeeting,
    RepresentativeVote,
)
from village_room.room import records

VOTES_ZH = {"for": "赞成", "against": "反对", "abstain": "弃权"}
OPEN = ("submitted", "studied")


def today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


async def rules_of(session: AsyncSession, place_code: str) -> DiscussionRules:
    rules = await session.get(DiscussionRules, place_code)
    if rules is None:  # the defaults, unsaved
        rules = DiscussionRules(
            place_code=place_code,
            quorum_numerator=QUORUM[0],
            quorum_denominator=QUORUM[1],
            adoption_numerator=ADOPTION[0],
            adoption_denominator=ADOPTION[1],
            deadline_working_days=DEADLINE_WORKING_DAYS,
            updated_by="",
        )
    return rules


async def set_rules(
    session: AsyncSession, *, place_code: str, staff_id: str, **values: int
) -> DiscussionRules:
    if values["quorum_numerator"] > values["quorum_denominator"]:
        raise InvalidArgument(
            "a quorum above all representatives",
            message_zh="法定人数不能超过代表总数",
            field="quorum_numerator",
        )
    if values["adoption_numerator"] >= values["adoption_denominator"]:
        raise InvalidArgument(
            "adoption needs more than this share of those present, so it must be below one",
            message_zh="通过比例须小于全部出席代表",
            field="adoption_numerator",
        )
    rules = await session.get(DiscussionRules, place_code)
    if rules is None:
        rules = DiscussionRules(place_code=place_code)
        session.add(rules)
    for key, value in values.items():
        setattr(rules, key, value)
    rules.updated_by, rules.updated_at = staff_id, utcnow()
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="discussion.rules_set",
        data={"place_code": place_code, **values},
    )
    return rules


async def add_representative(
    session: AsyncSession, *, place_code: str, staff_id: str, display_name: str, group_name: str
) -> Representative:
    rep = Representative(place_code=place_code, display_name=display_name, group_name=group_name)
    session.add(rep)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="discussion.representative_added",
        data={"place_code": place_code, "representative_id": rep.id},
    )
    return rep


async def representatives(session: AsyncSession, *, place_code: str) -> list[Representative]:
    rows = await session.scalars(
        select(Representative)
        .where(Representative.place_code == place_code, Representative.active.is_(True))
        .order_by(Representative.group_name, Representative.display_name)
    )
    return list(rows.all())


async def submit(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    title: str,
    content: str,
    proposer_applicant_id: str | None,
    calendar: WorkCalendar,
) -> Proposal:
    """Recorded with the day by which the committees must put it to the meeting."""
    if proposer_applicant_id:
        await records.applicants_here(
            session, [proposer_applicant_id], place_code=place_code, field="proposer_applicant_id"
        )
    rules = await rules_of(session, place_code)
    proposal = Proposal(
        place_code=place_code,
        title=title,
        content=content,
        proposer_applicant_id=proposer_applicant_id,
        submitted_by=staff_id,
        deadline_day=calendar.add_working_days(today(), rules.deadline_working_days),
    )
    session.add(proposal)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="proposal.submitted",
        subject_ref=f"applicant:{proposer_applicant_id}" if proposer_applicant_id else None,
        data={
            "place_code": place_code,
            "proposal_id": proposal.id,
            "deadline_day": proposal.deadline_day.isoformat(),
        },
    )
    return proposal


async def get(session: AsyncSession, *, place_code: str, proposal_id: str) -> Proposal:
    return await records.get_at_place(
        session, Proposal, proposal_id, place_code=place_code, what_zh="议题"
    )


def _refuse_unless(proposal: Proposal, *allowed: str) -> None:
    if proposal.status in allowed:
        return
    why = {
        "submitted": ("the two committees have not studied it yet", "村两委尚未研究该议题"),
        "studied": ("it has not been decided yet", "该议题尚未表决"),
        "merged": (
            f"it was merged into {proposal.merged_into}",
            f"该议题已并入 {proposal.merged_into}",
        ),
        "adopted": ("it is decided already (adopted)", "该议题已表决通过"),
        "rejected": ("it is decided already (rejected)", "该议题已表决未通过"),
    }[proposal.status]
    raise Conflict(f"proposal {proposal.id}: {why[0]}", message_zh=why[1], field="proposal_id")


async def study(
    session: AsyncSession, *, place_code: str, proposal_id: str, staff_id: str, opinion: str
) -> Proposal:
    proposal = await get(session, place_code=place_code, proposal_id=proposal_id)
    _refuse_unless(proposal, *OPEN)
    proposal.status, proposal.committees_opinion, proposal.studied_at = "studied", opinion, utcnow()
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="proposal.studied",
        data={"place_code": place_code, "proposal_id": proposal.id},
    )
    return proposal


async def merge(
    session: AsyncSession, *, place_code: str, proposal_id: str, into: str, staff_id: str
) -> Proposal:
    """A duplicate goes into the proposal that carries on to the meeting."""
    if into == proposal_id:
        raise InvalidArgument(
            "a proposal cannot merge into itself", message_zh="不能并入自身", field="into"
        )
    proposal = await get(session, place_code=place_code, proposal_id=proposal_id)
    _refuse_unless(proposal, *OPEN)
    try:
        target = await get(session, place_code=place_code, proposal_id=into)
    except Exception as exc:  # NotFound: name the body's field, not the path's
        raise InvalidArgument(
            f"no proposal {into} here", message_zh="无此议题", field="into"
        ) from exc
    if target.status not in OPEN:
        raise Conflict(
            f"proposal {into} is {target.status}", message_zh="目标议题已结束或已并入", field="into"
        )
    proposal.status, proposal.merged_into = "merged", target.id
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="proposal.merged",
        data={"place_code": place_code, "proposal_id": proposal.id, "into": target.id},
    )
    return proposal


async def convene(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    held_on: date,
    present_representative_ids: list[str],
) -> RepresentativeMeeting:
    """The meeting as it met: who came decides whether it may vote at all."""
    records.not_in_future(held_on, field="held_on")
    present = present_representative_ids
    if len(set(present)) != len(present):
        raise InvalidArgument(
            "a representative is listed twice",
            message_zh="出席代表重复",
            field="present_representative_ids",
        )
    active = {r.id for r in await representatives(session, place_code=place_code)}
    unknown = [p for p in present if p not in active]
    if unknown:
        raise InvalidArgument(
            f"not a representative of this village: {', '.join(unknown)}",
            message_zh=f"不是本村村民代表：{'、'.join(unknown)}",
            field="present_representative_ids",
        )
    if not active:
        raise Conflict(
            "this village has no representatives on record",
            message_zh="本村尚未登记村民代表",
            field="present_representative_ids",
        )
    rules = await rules_of(session, place_code)
    needed = math.ceil(len(active) * rules.quorum_numerator / rules.quorum_denominator)
    meeting = RepresentativeMeeting(
        place_code=place_code,
        held_on=held_on,
        representatives_total=len(active),
        present_ids=present,
        quorum_needed=needed,
        convened_by=staff_id,
    )
    session.add(meeting)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="meeting.convened",
        data={
            "place_code": place_code,
            "meeting_id": meeting.id,
            "present": len(present),
            "total": len(active),
            "quorum_needed": needed,
        },
    )
    return meeting


def quorum_message(meeting: RepresentativeMeeting) -> tuple[str, str]:
    present, needed, total = (
        len(meeting.present_ids),
        meeting.quorum_needed,
        meeting.representatives_total,
    )
    return (
        f"no quorum: {present} of {total} representatives present, {needed} needed; no vote may be taken",
        f"出席代表 {present} 人，未达到法定人数 {needed} 人（代表共 {total} 人），不能表决",
    )


async def _meeting(
    session: AsyncSession, place_code: str, meeting_id: str
) -> RepresentativeMeeting:
    meeting = await records.get_at_place(
        session, RepresentativeMeeting, meeting_id, place_code=place_code, what_zh="村民代表会议"
    )
    if not meeting.quorate:
        en, zh = quorum_message(meeting)
        raise Conflict(en, message_zh=zh, field="meeting_id")
    return meeting


async def cast_vote(
    session: AsyncSession,
    *,
    place_code: str,
    meeting_id: str,
    proposal_id: str,
    representative_id: str,
    vote: str,
    staff_id: str,
) -> RepresentativeVote:
    meeting = await _meeting(session, place_code, meeting_id)
    proposal = await get(session, place_code=place_code, proposal_id=proposal_id)
    _refuse_unless(proposal, "studied")
    if proposal.meeting_id not in (None, meeting.id):
        raise Conflict(
            "this proposal is before another meeting",
            message_zh="该议题已提交另一次会议表决",
            field="meeting_id",
        )
    if representative_id not in meeting.present_ids:
        raise InvalidArgument(
            f"representative {representative_id} is not present at this meeting",
            message_zh="该代表未出席本次会议，不能表决",
            field="representative_id",
        )
    await _refuse_second_vote(session, proposal.id, representative_id)
    proposal.meeting_id = meeting.id
    row = RepresentativeVote(
        proposal_id=proposal.id,
        representative_id=representative_id,
        meeting_id=meeting.id,
        vote=vote,
        recorded_by=staff_id,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        await _refuse_second_vote(session, proposal.id, representative_id)
        raise
    await audit.append(
        session,
        actor=staff_id,
        action="proposal.vote_recorded",
        data={
            "place_code": place_code,
            "proposal_id": proposal.id,
            "meeting_id": meeting.id,
            "representative_id": representative_id,
            "vote": vote,
        },
    )
    return row


async def _refuse_second_vote(
    session: AsyncSession, proposal_id: str, representative_id: str
) -> None:
    first = await session.get(RepresentativeVote, (proposal_id, representative_id))
    if first is not None:
        raise Conflict(
            f"this representative has voted already ({first.vote}, recorded by {first.recorded_by})",
            message_zh=f"该代表已投票（{VOTES_ZH[first.vote]}，记录人 {first.recorded_by}），不能重复表决",
            field="representative_id",
        )


async def decide(
    session: AsyncSession, *, place_code: str, meeting_id: str, proposal_id: str, staff_id: str
) -> Proposal:
    """Count the votes: adopted when those for are more than the rule's share of those present."""
    meeting = await _meeting(session, place_code, meeting_id)
    proposal = await get(session, place_code=place_code, proposal_id=proposal_id)
    _refuse_unless(proposal, "studied")
    if proposal.meeting_id != meeting.id:
        raise Conflict(
            "no vote on this proposal at this meeting",
            message_zh="本次会议未对该议题表决",
            field="proposal_id",
        )
    counts = dict(
        (
            await session.execute(
                select(RepresentativeVote.vote, func.count())
                .where(RepresentativeVote.proposal_id == proposal.id)
                .group_by(RepresentativeVote.vote)
            )
        ).all()
    )
    rules = await rules_of(session, place_code)
    proposal.votes_for = counts.get("for", 0)
    proposal.votes_against = counts.get("against", 0)
    proposal.votes_abstain = counts.get("abstain", 0)
    present = len(meeting.present_ids)
    adopted = proposal.votes_for * rules.adoption_denominator > present * rules.adoption_numerator
    proposal.status, proposal.decided_at = ("adopted" if adopted else "rejected"), utcnow()
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="proposal.decided",
        data={
            "place_code": place_code,
            "proposal_id": proposal.id,
            "meeting_id": meeting.id,
            "decision": proposal.status,
            "for": proposal.votes_for,
            "against": proposal.votes_against,
            "abstain": proposal.votes_abstain,
            "present": present,
        },
    )
    return proposal


async def publish(
    session: AsyncSession, *, place_code: str, proposal_id: str, staff_id: str
) -> Proposal:
    proposal = await get(session, place_code=place_code, proposal_id=proposal_id)
    _refuse_unless(proposal, "adopted", "rejected") if proposal.status in OPEN + (
        "merged",
    ) else None
    if proposal.published_at is not None:
        raise Conflict("published already", message_zh="该决议已公布", field="proposal_id")
    proposal.published_at = utcnow()
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="proposal.published",
        data={"place_code": place_code, "proposal_id": proposal.id, "decision": proposal.status},
    )
    return proposal


async def list_at(
    session: AsyncSession, *, place_code: str, published_only: bool = False
) -> list[Proposal]:
    q = select(Proposal).where(Proposal.place_code == place_code)
    if published_only:
        q = q.where(Proposal.published_at.is_not(None))
    rows = await session.scalars(q.order_by(Proposal.submitted_at.desc()).limit(500))
    return list(rows.all())


async def recent_meetings(
    session: AsyncSession, *, place_code: str, limit: int = 20
) -> list[RepresentativeMeeting]:
    """The room's latest meetings, so one convened earlier can be found to record its votes."""
    rows = await session.scalars(
        select(RepresentativeMeeting)
        .where(RepresentativeMeeting.place_code == place_code)
        .order_by(RepresentativeMeeting.held_on.desc(), RepresentativeMeeting.id)
        .limit(limit)
    )
    return list(rows.all())


async def votes_of(
    session: AsyncSession, proposal_id: str
) -> list[tuple[RepresentativeVote, Representative]]:
    rows = await session.execute(
        select(RepresentativeVote, Representative)
        .join(Representative, Representative.id == RepresentativeVote.representative_id)
        .where(RepresentativeVote.proposal_id == proposal_id)
        .order_by(Representative.group_name, Representative.display_name)
    )
    return [(v, r) for v, r in rows.all()]
