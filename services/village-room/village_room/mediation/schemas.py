from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from village_room.visit.schemas import ID

DisputeType = Literal["neighbour", "family_support", "land_contract"]


class MediationIn(BaseModel):
    dispute_type: DisputeType
    summary: str = Field(min_length=1, max_length=4000)
    party_applicant_ids: list[str] = Field(
        min_length=2, max_length=20, description="the parties' records at the village"
    )
    visit_id: str | None = Field(default=None, pattern=ID)


class SessionIn(BaseModel):
    held_on: date
    notes: str = Field(min_length=1, max_length=8000)


class OutcomeIn(BaseModel):
    outcome: Literal["agreement", "referral"]
    agreement: str = Field(default="", max_length=8000, description="the terms, for agreement")
    referred_to: str = Field(default="", max_length=200, description="where, for referral")


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    held_on: date
    mediator_staff_id: str
    notes: str


class MediationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    dispute_type: str
    summary: str
    party_applicant_ids: list[str]
    status: str
    agreement: str
    referred_to: str
    visit_id: str | None
    staff_id: str
    opened_at: datetime
    closed_at: datetime | None
    sessions: list[SessionOut] = []
