from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from govnet_kit.scans import StrictBase64

PLACE_CODE = r"^\d{12}$"
# The resident identity card's number: 17 digits and a check character.
ID_NUMBER = r"^\d{17}[\dXx]$"


class CaseOut(BaseModel):
    case_number: str
    township_code: str
    origin_place_code: str
    item_code: str
    item_version: int
    department_code: str
    status: str
    accepted_at: datetime
    deadline: datetime
    result_document_number: str = ""
    # assisted (a city item, forwarded), commitment or direct (decided here).
    handling: str = "assisted"
    window_code: str = ""
    walk_in: bool = False
    owner_staff_id: str = ""
    remaining_days: int | None = None
    supplement_request: dict[str, Any] | None = None


class MaterialIn(BaseModel):
    code: str = Field(min_length=1, max_length=50)
    filename: str = Field(min_length=1, max_length=200)
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "image/tiff"] = Field(
        description="PDF, JPEG, PNG or TIFF"
    )
    content_base64: StrictBase64 = Field(description="the scanned file, base64, at most 20 MiB")


class ApplicantIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(pattern=ID_NUMBER)


class WalkInIn(BaseModel):
    place_code: str = Field(pattern=PLACE_CODE, description="the township's division code")
    item_code: str = Field(min_length=1, max_length=50)
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


class RedirectNoticeOut(BaseModel):
    item_code: str
    item_name_zh: str
    item_name_en: str
    apply_at_tiers: list[str]
    text_zh: str
    text_en: str


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
    handling: str
    window_code: str
    rights_and_obligations: str
    calendar_warning: str | None = None


class WalkInOut(BaseModel):
    outcome: Literal["redirected", "incomplete", "accepted"]
    redirect_notice: RedirectNoticeOut | None = None
    one_time_notice: OneTimeNoticeOut | None = None
    acceptance_slip: AcceptanceSlipOut | None = None


class SuspendIn(BaseModel):
    material_codes: list[str] = Field(min_length=1, max_length=50)
    note: str = Field(default="", max_length=1000)


class SupplementIn(BaseModel):
    materials: list[MaterialIn] = Field(min_length=1, max_length=50)


class DecisionIn(BaseModel):
    outcome: Literal["approve", "refuse"]
    reason_code: str = Field(default="", max_length=50)
    legal_reason: str = Field(default="", max_length=2000)


class DocumentOut(BaseModel):
    """The result document or refusal letter, printable (L4)."""

    case_number: str
    status: str
    decided_by: str
    on_behalf_of: str = ""
    result_document_number: str
    document_title: str
    document_text: str
    legal_reason: str = ""
    decided_at: datetime
    handed_over_at: datetime | None = None
    handed_over_by: str = ""
    recipient: str = ""
    recipient_note: str = ""


class CredentialIn(BaseModel):
    department_code: str = Field(min_length=1, max_length=50)
    on_behalf_of_staff_id: str = Field(default="", max_length=36)


class CredentialOut(BaseModel):
    approval_credential: str
    expires_at: datetime
    item_codes: list[str]
    all_items: bool


class HandOverIn(BaseModel):
    recipient: Literal["applicant", "agent"]
    # The applicant's ID card, checked against the case; an agent's written authorisation.
    id_number: str = Field(default="", max_length=18)
    note: str = Field(default="", max_length=200)


class WithdrawalIn(BaseModel):
    reason: str = Field(default="", max_length=500)


class FlagOut(BaseModel):
    case_number: str
    kind: str
    department_code: str
    window_code: str
    responsible_staff_id: str
    note: str
    raised_at: datetime


class WindowIn(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,49}$")
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    category_codes: list[str] = Field(default_factory=list, max_length=50)
    department_codes: list[str] = Field(default_factory=list, max_length=50)


class WindowOut(WindowIn):
    pass
