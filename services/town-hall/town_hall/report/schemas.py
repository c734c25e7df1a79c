"""The report box's form and receipt; each refusal names its field in Chinese and English."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field


def _text(min_len: int, max_len: int, what_zh: str, what_en: str):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        value = value.strip()
        if len(value) < min_len:
            raise ValueError(
                f"请写明{what_zh}（至少 {min_len} 个字） / "
                f"write the {what_en} (at least {min_len} characters)"
            )
        if len(value) > max_len:
            raise ValueError(f"最多 {max_len} 个字 / at most {max_len} characters")
        return value

    return AfterValidator(check)


class ReportIn(BaseModel):
    kind: Literal["complaint", "report"] = Field(
        default="complaint", description="complaint (投诉) or report (举报)"
    )
    content: Annotated[str, _text(5, 4000, "内容", "content")]
    # What it is about, if the citizen knows: a case of this township, a window, a person.
    case_number: Annotated[str, _text(0, 40, "办件编号", "case number")] = ""
    window_code: Annotated[str, _text(0, 50, "窗口", "window")] = ""
    person: Annotated[str, _text(0, 100, "人员", "person")] = ""
    # How to reach the citizen with the reply (phone or e-mail); may be left empty.
    contact: Annotated[str, _text(0, 200, "联系方式", "contact")] = ""


class ReportReceipt(BaseModel):
    number: str
    code: str = Field(description="shown once: with the number it follows the complaint")
    kind: str
    received_at: datetime


class ReportOut(BaseModel):
    """The township staff's view: what was handed in and whether the city has it (no contact)."""

    number: str
    kind: str
    content: str
    case_number: str
    window_code: str
    person: str
    received_at: datetime
    forwarded_at: datetime | None
    city_status: str
    waiting_reason: str = ""
