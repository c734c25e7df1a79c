from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from village_room.visit.schemas import ID

ConsultationField = Literal[
    "legal", "social_security_fund", "farming_technique", "labour_talent_info"
]


class ConsultationIn(BaseModel):
    field: ConsultationField
    question: str = Field(min_length=1, max_length=2000)
    answer: str = Field(min_length=1, max_length=4000)
    referred_to: str = Field(default="", max_length=200)
    applicant_id: str | None = Field(default=None, pattern=ID)
    visit_id: str | None = Field(default=None, pattern=ID)


class ConsultationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    field: str
    question: str
    answer: str
    referred_to: str
    applicant_id: str | None
    visit_id: str | None
    staff_id: str
    recorded_at: datetime
