from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ApplicantRecordOut(BaseModel):
    """The applicant of a case: masked (the default) or in full (recorded in the audit chain)."""

    view: Literal["masked", "full"]
    name: str
    id_number: str
    phone: str
    language: str
    channel: str


class PersonalDataReadOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    case_number: str | None
    subject_ref: str | None
    purpose: str


class StaffReadsOut(BaseModel):
    staff: str
    reads: list[PersonalDataReadOut]
    # Full-record reads by this account in the last 24 hours, and whether that is unusual.
    last_24h: int
    flagged: bool
    threshold_24h: int = Field(description="more full-record reads than this in 24 h are flagged")
