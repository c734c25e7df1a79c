from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from govnet_kit.personal import IdNumber, MobileNumber
from govnet_kit.scans import MAX_SCAN_BYTES, StrictBase64

PLACE_CODE = r"^\d{12}$"
MAX_MATERIAL_BYTES = MAX_SCAN_BYTES


class ApplicantIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    # The resident identity card's number, its check digit verified (GB 11643).
    id_number: IdNumber
    phone: MobileNumber
    language: Literal["zh", "en"] = "zh"
    # No "email" until the applicant's email address is collected: the phone is the only
    # contact the village records, and an email to a phone number could never arrive.
    channel: Literal["sms", "in_app"] = "sms"


# Scans and photos of papers, and documents: what the deciding tier can open and print.
MATERIAL_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/tiff")


class MaterialIn(BaseModel):
    code: str = Field(min_length=1, max_length=50)
    filename: str = Field(min_length=1, max_length=200)
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "image/tiff"] = Field(
        description="PDF, JPEG, PNG or TIFF"
    )
    content_base64: StrictBase64 = Field(description="the scanned file, base64, at most 20 MiB")


class ApplicationIn(BaseModel):
    place_code: str = Field(pattern=PLACE_CODE)
    item_code: str = Field(min_length=1, max_length=50)
    visit_id: str | None = None
    applicant: ApplicantIn
    materials: list[MaterialIn] = Field(default_factory=list, max_length=50)


class MissingMaterial(BaseModel):
    code: str
    name_zh: str
    name_en: str


class OneTimeNoticeOut(BaseModel):
    notice_id: str
    item_code: str
    item_name_zh: str
    item_name_en: str
    missing: list[MissingMaterial]
    text_zh: str
    text_en: str
    issued_at: datetime


class AcceptanceSlipOut(BaseModel):
    case_number: str
    query_code: str
    item_code: str
    item_version: int
    item_name_zh: str
    item_name_en: str
    accepted_at: datetime
    deadline: datetime
    time_limit_working_days: int
    rights_and_obligations: str
    calendar_warning: str | None


class RedirectNoticeOut(BaseModel):
    item_code: str
    item_name_zh: str
    item_name_en: str
    apply_at_tiers: list[str]
    # The department that handles it there (L1: the notice names the tier and the department).
    department_code: str = ""
    department_name_zh: str = ""
    department_name_en: str = ""
    window_phone: str = ""
    text_zh: str
    text_en: str


class ApplicationOut(BaseModel):
    outcome: Literal["accepted", "incomplete", "redirected"]
    acceptance_slip: AcceptanceSlipOut | None = None
    one_time_notice: OneTimeNoticeOut | None = None
    redirect_notice: RedirectNoticeOut | None = None


class ReplyOut(BaseModel):
    decision: str
    result_document_number: str
    document_title: str
    document_text: str
    ready_at: datetime


class CaseOut(BaseModel):
    case_number: str
    place_code: str
    item_code: str
    item_version: int
    status: str
    accepted_at: datetime
    deadline: datetime
    reply: ReplyOut | None = None
    # While suspended: what the deciding tier asked to supplement (L2).
    supplement_request: dict[str, Any] | None = None
    withdrawal_requested_at: datetime | None = None


class WithdrawalIn(BaseModel):
    reason: str = Field(default="", max_length=500)


class SupplementIn(BaseModel):
    materials: list[MaterialIn] = Field(min_length=1, max_length=50)


class StepOut(BaseModel):
    tier: str
    status: str
    status_zh: str
    reason_code: str
    occurred_at: datetime


class PublicCaseOut(BaseModel):
    case_number: str
    item_code: str
    status: str
    deadline: datetime


class NotificationOut(BaseModel):
    event_id: str
    role: str
    channel: str
    language: str
    text: str
    status: str
