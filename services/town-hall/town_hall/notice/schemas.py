"""Notices in and out; each refusal names its field in Chinese and English."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from town_hall.notice.models import KIND_CODES

PHONE = re.compile(r"^[0-9+][0-9 -]{2,28}[0-9]$")


def _text(min_len: int, max_len: int):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        value = value.strip()
        if len(value) < min_len:
            raise ValueError("必填 / required")
        if len(value) > max_len:
            raise ValueError(f"最多 {max_len} 个字 / at most {max_len} characters")
        return value

    return AfterValidator(check)


def _kind(value: str) -> str:
    if value not in KIND_CODES:
        raise ValueError("须为以下之一 / must be one of: " + ", ".join(KIND_CODES))
    return value


def _phone(value: str) -> str:
    value = value.strip()
    if value and not PHONE.match(value):
        raise ValueError("电话号码格式不正确 / not a phone number (digits, spaces, dashes)")
    return value


class NoticeIn(BaseModel):
    kind: Annotated[str, AfterValidator(_kind)] = Field(description=", ".join(KIND_CODES))
    title_zh: Annotated[str, _text(1, 200)]
    title_en: Annotated[str, _text(1, 200)]
    body_zh: Annotated[str, _text(0, 8000)] = ""
    body_en: Annotated[str, _text(0, 8000)] = ""
    phone: Annotated[str, AfterValidator(_phone)] = Field(
        default="", description="the hall's line; required for the two phone kinds"
    )


class NoticeOut(BaseModel):
    id: str
    township_code: str
    kind: str
    kind_zh: str
    kind_en: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    phone: str
    published_at: datetime
    withdrawn_at: datetime | None = None
