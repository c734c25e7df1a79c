"""A place as the administrator writes it (JSON API and console form) and as the public reads it.

The same models validate the API's body and the console's form, so both name the same fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from govnet_kit.cases import PLACE_CODE


def _division_code(value: str) -> str:
    # The kit's pattern, ASCII only: `\d` would also take full-width digits.
    if not (value.isascii() and PLACE_CODE.match(value)):
        raise ValueError("区划代码应为12位数字 / a division code is 12 digits")
    return value


PlaceCode = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_division_code)]
TierName = Literal["town", "village"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
NameEn = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9][0-9-]{2,19}$", max_length=20)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceSpec(_Strict):
    """A new place. A township's parent is the city (it may be left out); a village's is its
    township, derived from the code's first nine digits when left out."""

    code: PlaceCode
    tier: TierName
    parent_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=12)] = ""
    name_zh: Name
    name_en: NameEn
    address_zh: Text
    address_en: OptionalText = ""
    hours_zh: Text
    hours_en: OptionalText = ""
    phone: Phone


class PlacePatch(_Strict):
    """What an edit changes; a field left out stays. Code, tier and parent are the division's
    own and never change: a new division is a new place."""

    name_zh: Name | None = None
    name_en: NameEn | None = None
    address_zh: Text | None = None
    address_en: OptionalText | None = None
    hours_zh: Text | None = None
    hours_en: OptionalText | None = None
    phone: Phone | None = None
    active: bool | None = None


class PublicPlace(BaseModel):
    """Where to go, when it is open and whom to call (public on purpose, like the catalog)."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    tier: str
    parent_code: str
    name_zh: str
    name_en: str
    address_zh: str
    address_en: str
    hours_zh: str
    hours_en: str
    phone: str


class PlaceOut(PublicPlace):
    active: bool
    created_at: datetime
    updated_at: datetime
