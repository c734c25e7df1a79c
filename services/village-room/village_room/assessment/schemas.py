from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class StaffAssessmentOut(BaseModel):
    staff_id: str
    visits: int
    cases_accepted: int
    replies_on_time: int
    replies_late: int
    awaiting_reply: int
    on_time_rate: float | None = Field(description="on time / replied; null when none replied")
    satisfaction: float | None = Field(
        default=None, description="not collected at the village yet: always null"
    )


class AssessmentOut(BaseModel):
    place_code: str
    from_: date = Field(serialization_alias="from")
    to: date
    staff: list[StaffAssessmentOut]
