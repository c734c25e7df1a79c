"""The online application's HTTP shapes (T1): sign-in by one-time code, the application with
its scans (base64), and the three answers of L1."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from govnet_kit.personal import IdNumber, MobileNumber
from govnet_kit.scans import StrictBase64


class CodeRequestIn(BaseModel):
    phone: MobileNumber = Field(description="mainland mobile number")
    language: Literal["zh", "en"] = "zh"


class CodeRequestOut(BaseModel):
    expires_at: datetime


class ApplicantSessionIn(BaseModel):
    phone: MobileNumber
    code: str = Field(pattern=r"^\d{6}$", description="the 6-digit code sent by SMS")


class ApplicantSessionOut(BaseModel):
    access_token: str
    expires_at: datetime


class OnlineApplicantIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    # The resident identity card's number, its check digit verified (GB 11643).
    id_number: IdNumber
    # The phone signed in with: the case's contact.
    phone: MobileNumber
    language: Literal["zh", "en"] = "zh"
    channel: Literal["sms", "in_app"] = "sms"


class MaterialIn(BaseModel):
    code: str = Field(min_length=1, max_length=50)
    filename: str = Field(min_length=1, max_length=200)
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "image/tiff"] = Field(
        description="PDF, JPEG, PNG or TIFF"
    )
    content_base64: StrictBase64 = Field(description="the scanned file, base64, at most 20 MiB")


class OnlineApplicationIn(BaseModel):
    item_code: str = Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9-]+$")
    applicant: OnlineApplicantIn
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)


class MissingMaterial(BaseModel):
    code: str
    name_zh: str
    name_en: str


class OneTimeNoticeOut(BaseModel):
    item_code: str
    item_version: int
    item_name_zh: str
    item_name_en: str
    missing: list[MissingMaterial]
    text_zh: str
    text_en: str


class RedirectNoticeOut(BaseModel):
    item_code: str
    item_name_zh: str
    item_name_en: str
    apply_at_tiers: list[str]
    department_code: str
    department_name_zh: str
    department_name_en: str
    window_phone: str
    text_zh: str
    text_en: str


class AcceptanceSlipOut(BaseModel):
    case_number: str
    # Given once: the city keeps only its keyed hash.
    query_code: str
    item_code: str
    item_version: int
    item_name_zh: str
    item_name_en: str
    department_code: str
    accepted_at: datetime
    deadline: datetime
    time_limit_working_days: int
    rights_and_obligations: str
    calendar_warning: str | None


class OnlineApplicationOut(BaseModel):
    outcome: Literal["accepted", "incomplete", "redirected"]
    acceptance_slip: AcceptanceSlipOut | None = None
    one_time_notice: OneTimeNoticeOut | None = None
    redirect_notice: RedirectNoticeOut | None = None
