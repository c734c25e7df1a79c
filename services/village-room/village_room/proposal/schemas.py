from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from village_room.visit.schemas import ID

Vote = Literal["for", "against", "abstain"]


class RulesIn(BaseModel):
    quorum_numerator: int = Field(ge=1, le=100, description="share of representatives present")
    quorum_denominator: int = Field(ge=1, le=100)
    adoption_numerator: int = Field(
        ge=1, le=100, description="more than this share of those present"
    )
    adoption_denominator: int = Field(ge=1, le=100)
    deadline_working_days: int = Field(ge=1, le=60, description="to put a proposal to the meeting")


class RulesOut(RulesIn):
    model_config = ConfigDict(from_attributes=True)

    place_code: str


class RepresentativeIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=50)
    group_name: str = Field(default="", max_length=50, description="村民小组")


class RepresentativeOut(RepresentativeIn):
    model_config = ConfigDict(from_attributes=True)

    id: str


class ProposalIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=8000)
    proposer_applicant_id: str | None = Field(default=None, pattern=ID)


class StudyIn(BaseModel):
    committees_opinion: str = Field(min_length=1, max_length=8000)


class MergeIn(BaseModel):
    into: str = Field(pattern=ID, description="the proposal that carries on")


class MeetingIn(BaseModel):
    held_on: date
    present_representative_ids: list[str] = Field(max_length=500)


class MeetingOut(BaseModel):
    id: str
    held_on: date
    representatives_total: int
    present: int
    quorum_needed: int
    quorate: bool
    message: str | None
    message_zh: str | None


class VoteIn(BaseModel):
    representative_id: str = Field(pattern=ID)
    vote: Vote


class VoteOut(BaseModel):
    representative_id: str
    display_name: str
    group_name: str
    vote: str


class ProposalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    title: str
    content: str
    status: str
    submitted_at: datetime
    deadline_day: date
    overdue: bool = False
    committees_opinion: str
    merged_into: str | None
    meeting_id: str | None
    votes_for: int
    votes_against: int
    votes_abstain: int
    decided_at: datetime | None
    published_at: datetime | None
    votes: list[VoteOut] = []


class PublicDecisionOut(BaseModel):
    id: str
    title: str
    content: str
    decision: str
    decision_zh: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    decided_at: datetime | None
    published_at: datetime | None
    votes: list[VoteOut]
