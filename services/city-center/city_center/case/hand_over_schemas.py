"""The hand-over's HTTP shapes (T1, L4): in person with the ID card's number, or by post with
the tracking number; the department's list of results waiting to be handed over."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class HandOverIn(BaseModel):
    channel: Literal["in_person", "post"] = Field(
        description="in_person at the department's window, or post"
    )
    # In person: the number on the ID card shown, checked against the case's applicant.
    id_number: str = Field(default="", max_length=18)
    # By post: the parcel's tracking number.
    tracking_number: str = Field(default="", max_length=40)


class HandOverOut(BaseModel):
    case_number: str
    status: str
    decision: str
    result_document_number: str
    channel: str
    tracking_number: str
    handed_over_at: datetime
    handed_over_by: str


class ToHandOverOut(BaseModel):
    case_number: str
    item_code: str
    decision: str
    result_document_number: str
    document_title: str
    decided_at: datetime
