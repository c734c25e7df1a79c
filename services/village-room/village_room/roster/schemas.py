from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from village_room.room.schemas import PHONE

Committee = Literal["party_branch", "villagers_committee"]
StaffId = str


class MemberIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=50)
    committee: Committee = Field(
        description="party_branch (村党支部) or villagers_committee (村委会)"
    )
    off_duty_contact: str = Field(pattern=PHONE, description="published number outside duty hours")
    active: bool = True


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    staff_id: str
    display_name: str
    committee: str
    off_duty_contact: str
    active: bool


class DayIn(BaseModel):
    staff_ids: list[StaffId] = Field(max_length=20, description="on duty that day; [] clears it")


class RotationIn(BaseModel):
    from_: date = Field(alias="from")
    to: date
    staff_ids: list[StaffId] = Field(min_length=1, max_length=50, description="in turn order")
    per_day: int = Field(default=1, ge=1, le=5, description="members on duty each working day")


class DutyDayOut(BaseModel):
    day: date
    working_day: bool
    staff_ids: list[str]


class CollectiveDayIn(BaseModel):
    day: date


class CollectiveDayOut(BaseModel):
    month: str
    day: date


class GapOut(BaseModel):
    day: date
    weekday: int
    make_up_workday: bool = Field(description="a weekend day the State Council made a workday")


class CoverageOut(BaseModel):
    place_code: str
    from_: date = Field(serialization_alias="from")
    to: date
    working_days: int
    covered: int
    gaps: list[GapOut]
    months_without_collective_office_day: list[str]
    collective_office_days: list[CollectiveDayOut]
    warning: str | None
    calendar_warning: str | None
