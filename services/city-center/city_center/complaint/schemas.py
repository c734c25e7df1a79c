from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

CaseNumber = Annotated[str, StringConstraints(pattern=r"^\d{12}-\d{8}-\d{4,}$")]
PlaceCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]


class ComplaintIn(BaseModel):
    kind: Literal["complaint", "report"] = "complaint"
    # What it is about: at least one of the case, window, person or place.
    case_number: CaseNumber | None = None
    tier: Literal["village", "town", "city"] | None = None
    place_code: PlaceCode | None = None
    department_code: Short | None = None
    window_id: Short | None = None
    staff_id: Short | None = None
    person: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=4000)]
    # How to reach the complainant with the reply (phone or email); optional, may be anonymous.
    contact: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class ComplaintReceipt(BaseModel):
    number: str
    code: str  # shown once: with the number it follows the complaint
    status: str
    received_at: datetime


class ComplaintPublic(BaseModel):
    number: str
    kind: str
    status: str
    outcome: str
    reply: str
    received_at: datetime
    concluded_at: datetime | None


class StepOut(BaseModel):
    action: str
    staff_id: str
    note: str
    at: datetime


class ComplaintOut(ComplaintPublic):
    case_number: str
    tier: str
    place_code: str
    department_code: str
    window_id: str
    staff_id: str
    person: str
    content: str
    contact: str
    handler_staff_id: str
    steps: list[StepOut] = []


class NoteIn(BaseModel):
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class OutcomeIn(BaseModel):
    outcome: Literal["upheld", "partly_upheld", "not_upheld", "withdrawn"]
    reply: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class RatingIn(BaseModel):
    case_number: CaseNumber
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=8)]
    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class RatingOut(BaseModel):
    case_number: str
    score: int
    rated_at: datetime
