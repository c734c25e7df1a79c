from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class DecisionIn(BaseModel):
    outcome: Literal["approve", "refuse"]
    reason_code: str = Field(default="", max_length=50)
    legal_reason: str = Field(default="", max_length=2000)


class CaseOut(BaseModel):
    case_number: str
    item_code: str
    item_version: int
    department_code: str
    origin_place_code: str
    status: str
    accepted_at: datetime
    deadline: datetime
    owner_staff_id: str = ""
    # Working days left when the clock stopped; null while it runs.
    remaining_days: int | None = None
    supplement_request: dict[str, Any] | None = None
    extended_days: int = 0
    process_agent_staff_id: str = ""


class SuspendIn(BaseModel):
    material_codes: list[str] = Field(min_length=1, max_length=50)
    note: str = Field(default="", max_length=1000)


class ExtendIn(BaseModel):
    days: int = Field(ge=1, le=60)
    reason: str = Field(min_length=4, max_length=1000)


class HandOnIn(BaseModel):
    to_staff_id: str = Field(min_length=1, max_length=36)
    reason: str = Field(default="", max_length=1000)


class DecisionOut(BaseModel):
    case_number: str
    status: str
    decided_by: str
    # The post holder a substitute acted for (L7): the record shows both.
    on_behalf_of: str
    result_document_number: str
    document_title: str
    document_text: str


class CredentialIn(BaseModel):
    department_code: str = Field(min_length=1, max_length=50)
    # Set by a named substitute acting for the post holder (L7).
    on_behalf_of_staff_id: str = Field(default="", max_length=36)


class CredentialOut(BaseModel):
    approval_credential: str
    expires_at: datetime
    item_codes: list[str]
    all_items: bool


class FlagOut(BaseModel):
    case_number: str
    kind: str
    department_code: str
    responsible_staff_id: str
    note: str
    raised_at: datetime


class ConveneIn(BaseModel):
    working_days: int = Field(default=5, ge=1, le=20)


class OpinionIn(BaseModel):
    opinion: Literal["agree", "disagree"]
    reason: str = Field(default="", max_length=2000)


class OpinionOut(BaseModel):
    department_code: str
    opinion: str
    reason: str
    staff_id: str
    on_behalf_of: str
    given_at: datetime | None


class MeetingOut(BaseModel):
    case_number: str
    convened_by: str
    opinion_deadline: datetime
    closed_at: datetime | None
    outcome: str
    opinions: list[OpinionOut]


class ProcessAgentIn(BaseModel):
    agent_staff_id: str = Field(min_length=1, max_length=36)
    reason: str = Field(default="", max_length=500)
