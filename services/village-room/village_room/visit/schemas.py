from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PLACE_CODE = r"^\d{12}$"
ID = r"^[0-9a-fA-F-]{1,36}$"

Outcome = Literal[
    "open", "consulted", "redirected", "incomplete", "accepted", "applied_as_agent", "mediated"
]
# What a staff member may record by hand; the application records the other two itself.
ManualOutcome = Literal["consulted", "redirected", "accepted", "mediated"]


class VisitIn(BaseModel):
    place_code: str = Field(pattern=PLACE_CODE, description="the village's 12-digit division code")
    topic: str = Field(min_length=1, max_length=200)
    applicant_id: str | None = Field(
        default=None, pattern=ID, description="who came, if the village has their record"
    )
    outcome: ManualOutcome | None = Field(default=None, description="when settled at once")


class OutcomeIn(BaseModel):
    outcome: ManualOutcome
    case_number: str | None = Field(default=None, min_length=1, max_length=40)


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    staff_id: str
    topic: str
    outcome: str
    case_number: str | None
    visited_at: datetime
    applicant_id: str | None = None
    outcome_at: datetime | None = None
