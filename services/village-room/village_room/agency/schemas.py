from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from village_room.visit.schemas import ID

AgencyKind = Literal[
    "rural_housing_land",
    "reservoir_migrant_relocation",
    "disaster_relocation",
    "land_transfer",
    "family_planning",
    "tree_felling_permit",
    "cable_tv_phone",
]


class AgencyIn(BaseModel):
    kind: AgencyKind
    applicant_id: str = Field(pattern=ID, description="the villager's record at the village")
    visit_id: str | None = Field(default=None, pattern=ID)
    case_number: str | None = Field(default=None, min_length=1, max_length=40)
    note: str = Field(default="", max_length=1000)


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    kind: str
    kind_zh: str = ""
    applicant_id: str
    staff_id: str
    visit_id: str | None
    case_number: str | None
    note: str
    recorded_at: datetime
    handed_over_at: datetime | None
    handed_over_by: str | None
