from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
PHONE = r"^[0-9+\-() ]{3,30}$"


class OpeningHours(BaseModel):
    weekday: int = Field(ge=1, le=7, description="1 is Monday, 7 is Sunday")
    opens: str = Field(pattern=HHMM, description="HH:MM")
    closes: str = Field(pattern=HHMM, description="HH:MM, after opens")

    @field_validator("closes")
    @classmethod
    def _closes_after_opens(cls, closes: str, info: ValidationInfo) -> str:
        opens = info.data.get("opens")
        if opens is not None and closes <= opens:
            raise ValueError("closes must be after opens / 关门时间须晚于开门时间")
        return closes


class ContactNumber(BaseModel):
    label: str = Field(min_length=1, max_length=50, description="e.g. 值班电话 / duty phone")
    number: str = Field(pattern=PHONE)


class RoomIn(BaseModel):
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=100)
    address: str = Field(min_length=1, max_length=300, description="where the room is")
    opening_hours: list[OpeningHours] = Field(min_length=1, max_length=14)
    contact_numbers: list[ContactNumber] = Field(min_length=1, max_length=10)


class RoomOut(RoomIn):
    model_config = ConfigDict(from_attributes=True)

    place_code: str
    registered_at: datetime
    updated_at: datetime


class RulesIn(BaseModel):
    first_inquiry_zh: str = Field(min_length=1, max_length=4000, description="首问责任制")
    first_inquiry_en: str = Field(default="", max_length=4000)
    service_commitment_zh: str = Field(min_length=1, max_length=4000, description="服务承诺制")
    service_commitment_en: str = Field(default="", max_length=4000)
    one_time_notice_zh: str = Field(min_length=1, max_length=4000, description="一次性告知制")
    one_time_notice_en: str = Field(default="", max_length=4000)


class RulesOut(RulesIn):
    model_config = ConfigDict(from_attributes=True)

    place_code: str
    version: int
    updated_at: datetime
    updated_by: str


class OffDutyContact(BaseModel):
    display_name: str
    committee: str
    off_duty_contact: str


class PublicRoomOut(BaseModel):
    """What the village sees on the room's door: place, hours, numbers, rules, who to call."""

    place_code: str
    room: RoomOut | None
    rules: RulesOut | None
    off_duty_contacts: list[OffDutyContact]
    on_duty_today: list[str]  # display names
    next_collective_office_day: date | None
