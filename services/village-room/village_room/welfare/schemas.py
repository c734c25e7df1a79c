from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from village_room.visit.schemas import ID

Benefit = Literal["elderly_allowance", "left_behind_children", "poverty_relief"]


class CollectionIn(BaseModel):
    benefit: Benefit
    beneficiary_applicant_id: str = Field(pattern=ID, description="for whom (their record)")
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    amount_fen: int = Field(ge=0, le=100_000_000, description="in fen")
    receipt_number: str = Field(min_length=1, max_length=60, pattern=r"^[\w-]+$")


class CollectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    benefit: str
    beneficiary_applicant_id: str
    collected_by_staff_id: str
    period: str
    amount_fen: int
    receipt_number: str
    collected_at: datetime
