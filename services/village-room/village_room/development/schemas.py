from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ActivityKind = Literal[
    "industrial_restructuring", "improved_varieties", "technical_guidance", "training"
]


class ActivityIn(BaseModel):
    kind: ActivityKind
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class SessionIn(BaseModel):
    held_on: date
    topic: str = Field(min_length=1, max_length=200)
    instructor: str = Field(min_length=1, max_length=100)
    attendance: int = Field(ge=0, le=10_000, description="how many came")
    attendee_applicant_ids: list[str] = Field(
        default=[], max_length=1000, description="those of them the village has records of"
    )


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    held_on: date
    topic: str
    instructor: str
    attendance: int
    attendee_applicant_ids: list[str]
    staff_id: str


class ActivityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    kind: str
    title: str
    description: str
    staff_id: str
    created_at: datetime
    sessions: list[SessionOut] = []
    total_attendance: int = 0
