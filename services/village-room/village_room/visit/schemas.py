from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

PLACE_CODE = r"^\d{12}$"


class VisitIn(BaseModel):
    place_code: str = Field(pattern=PLACE_CODE, description="the village's 12-digit division code")
    topic: str = Field(min_length=1, max_length=200)


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    place_code: str
    staff_id: str
    topic: str
    outcome: str
    case_number: str | None
    visited_at: datetime
