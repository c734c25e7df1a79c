"""One matter, one discussion over HTTP: the village's staff keep the record; decisions are
published to everyone (public on purpose, like the guide)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.proposal import service
from village_room.proposal.models import Proposal, RepresentativeMeeting
from village_room.proposal.schemas import (
    MeetingIn,
    MeetingOut,
    MergeIn,
    ProposalIn,
    ProposalOut,
    PublicDecisionOut,
    RepresentativeIn,
    RepresentativeOut,
    RulesIn,
    RulesOut,
    StudyIn,
    VoteIn,
    VoteOut,
)
from village_room.room.dependencies import PlaceCode, calendar_of, require_village_staff
from village_room.visit.schemas import ID

router = APIRouter(prefix="/api/v1", tags=["one matter, one discussion"])
ROOM = "/rooms/{place_code}"
Id = Annotated[str, Path(pattern=ID)]
DECISIONS_ZH = {"adopted": "通过", "rejected": "未通过"}


def _out(proposal: Proposal, votes=()) -> ProposalOut:  # type: ignore[no-untyped-def]
    out = ProposalOut.model_validate(proposal)
    out.overdue = (
        proposal.status in service.OPEN
        and proposal.meeting_id is None
        and service.today() > proposal.deadline_day
    )
    out.votes = [_vote(v, r) for v, r in votes]
    return out


def _vote(v, r) -> VoteOut:  # type: ignore[no-untyped-def]
    return VoteOut(
        representative_id=r.id, display_name=r.display_name, group_name=r.group_name, vote=v.vote
    )


def _meeting(m: RepresentativeMeeting) -> MeetingOut:
    en, zh = (None, None) if m.quorate else service.quorum_message(m)
    return MeetingOut(
        id=m.id,
        held_on=m.held_on,
        representatives_total=m.representatives_total,
        present=len(m.present_ids),
        quorum_needed=m.quorum_needed,
        quorate=m.quorate,
        message=en,
        message_zh=zh,
    )


@router.put(ROOM + "/discussion-rules", response_model=RulesOut)
async def set_rules(
    place_code: PlaceCode, body: RulesIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> RulesOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rules = await service.set_rules(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return RulesOut.model_validate(rules)


@router.get(ROOM + "/discussion-rules", response_model=RulesOut)
async def get_rules(place_code: PlaceCode, runtime: CurrentRuntime) -> RulesOut:
    """Public: the quorum and majority every villager may check the decisions against."""
    async with transaction(runtime.sessions) as session:
        rules = await service.rules_of(session, place_code)
    return RulesOut.model_validate(rules)


@router.post(ROOM + "/representatives", response_model=RepresentativeOut, status_code=201)
async def add_representative(
    place_code: PlaceCode,
    body: RepresentativeIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> RepresentativeOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rep = await service.add_representative(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return RepresentativeOut.model_validate(rep)


@router.get(ROOM + "/representatives", response_model=list[RepresentativeOut])
async def list_representatives(
    place_code: PlaceCode, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[RepresentativeOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        reps = await service.representatives(session, place_code=place_code)
    return [RepresentativeOut.model_validate(r) for r in reps]


@router.post(ROOM + "/proposals", response_model=ProposalOut, status_code=201)
async def submit(
    place_code: PlaceCode, body: ProposalIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ProposalOut:
    """A villager's proposal, with the day by which it must go to the meeting."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        proposal = await service.submit(
            session,
            place_code=place_code,
            staff_id=principal.subject,
            calendar=calendar_of(runtime),
            **body.model_dump(),
        )
    return _out(proposal)


@router.get(ROOM + "/proposals", response_model=list[ProposalOut])
async def list_proposals(
    place_code: PlaceCode, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[ProposalOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(session, place_code=place_code)
    return [_out(p) for p in rows]


@router.get(ROOM + "/proposals/{proposal_id}", response_model=ProposalOut)
async def get_proposal(
    place_code: PlaceCode, proposal_id: Id, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ProposalOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        proposal = await service.get(session, place_code=place_code, proposal_id=proposal_id)
        votes = await service.votes_of(session, proposal.id)
    return _out(proposal, votes)


@router.post(ROOM + "/proposals/{proposal_id}/study", response_model=ProposalOut)
async def study(
    place_code: PlaceCode,
    proposal_id: Id,
    body: StudyIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> ProposalOut:
    """The two committees' opinion; the proposal may then go to the meeting."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        proposal = await service.study(
            session,
            place_code=place_code,
            proposal_id=proposal_id,
            staff_id=principal.subject,
            opinion=body.committees_opinion,
        )
    return _out(proposal)


@router.post(ROOM + "/proposals/{proposal_id}/merge", response_model=ProposalOut)
async def merge(
    place_code: PlaceCode,
    proposal_id: Id,
    body: MergeIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> ProposalOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        proposal = await service.merge(
            session,
            place_code=place_code,
            proposal_id=proposal_id,
            into=body.into,
            staff_id=principal.subject,
        )
    return _out(proposal)


@router.post(ROOM + "/meetings", response_model=MeetingOut, status_code=201)
async def convene(
    place_code: PlaceCode, body: MeetingIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MeetingOut:
    """The meeting as it met; without quorum it is recorded but may not vote."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        meeting = await service.convene(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return _meeting(meeting)


@router.get(ROOM + "/meetings", response_model=list[MeetingOut])
async def list_meetings(
    place_code: PlaceCode, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[MeetingOut]:
    """The latest twenty meetings, newest first."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.recent_meetings(session, place_code=place_code)
    return [_meeting(m) for m in rows]


@router.post(
    ROOM + "/meetings/{meeting_id}/proposals/{proposal_id}/votes",
    response_model=VoteOut,
    status_code=201,
)
async def cast_vote(
    place_code: PlaceCode,
    meeting_id: Id,
    proposal_id: Id,
    body: VoteIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> VoteOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        vote = await service.cast_vote(
            session,
            place_code=place_code,
            meeting_id=meeting_id,
            proposal_id=proposal_id,
            staff_id=principal.subject,
            **body.model_dump(),
        )
        votes = await service.votes_of(session, proposal_id)
    return next(_vote(v, r) for v, r in votes if v.representative_id == vote.representative_id)


@router.post(
    ROOM + "/meetings/{meeting_id}/proposals/{proposal_id}/decision", response_model=ProposalOut
)
async def decide(
    place_code: PlaceCode,
    meeting_id: Id,
    proposal_id: Id,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> ProposalOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        proposal = await service.decide(
            session,
            place_code=place_code,
            meeting_id=meeting_id,
            proposal_id=proposal_id,
            staff_id=principal.subject,
        )
        votes = await service.votes_of(session, proposal.id)
    return _out(proposal, votes)


@router.post(ROOM + "/proposals/{proposal_id}/publish", response_model=ProposalOut)
async def publish(
    place_code: PlaceCode, proposal_id: Id, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ProposalOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        proposal = await service.publish(
            session, place_code=place_code, proposal_id=proposal_id, staff_id=principal.subject
        )
    return _out(proposal)


@router.get("/public/rooms/{place_code}/decisions", response_model=list[PublicDecisionOut])
async def public_decisions(
    place_code: PlaceCode, runtime: CurrentRuntime
) -> list[PublicDecisionOut]:
    """Public on purpose: the village's published decisions with each representative's vote."""
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(session, place_code=place_code, published_only=True)
        out = []
        for p in rows:
            votes = await service.votes_of(session, p.id)
            out.append(
                PublicDecisionOut(
                    id=p.id,
                    title=p.title,
                    content=p.content,
                    decision=p.status,
                    decision_zh=DECISIONS_ZH.get(p.status, ""),
                    votes_for=p.votes_for,
                    votes_against=p.votes_against,
                    votes_abstain=p.votes_abstain,
                    decided_at=p.decided_at,
                    published_at=p.published_at,
                    votes=[_vote(v, r) for v, r in votes],
                )
            )
    return out
