"""Personal identifiers: checked at the edge, masked wherever they are shown or logged.

- The resident identity number (GB 11643-1999): 17 digits and a check character, the ISO 7064
  MOD 11-2 checksum of the 17 (`X` stands for 10).
- A mainland mobile number: 11 digits starting 13 to 19, written with or without `+86`,
  spaces or dashes.

Masks keep what a clerk needs to tell two people apart and no more: `3411**********1234`,
`138****5678`, `张*`. `mask_text` masks every identifier-shaped token in free text (log lines,
error messages): an 18-character ID number or an 11-digit mobile number standing on its own.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated

from pydantic import AfterValidator

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")

# A token "stands on its own" when no ASCII letter or digit touches it: a 32-character trace
# id or a UUID never matches, a CJK character or punctuation next to a number does not hide it.
_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
_ID_IN_TEXT = re.compile(_EDGE_L + r"(\d{4})\d{10}(\d{3}[\dXx])" + _EDGE_R)
_MOBILE_IN_TEXT = re.compile(_EDGE_L + r"(?:\+?86[\s-]?)?(1[3-9]\d)\d{4}(\d{4})" + _EDGE_R)


def id_check_character(first17: str) -> str:
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the check character covers exactly 17 digits")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id_number(value: str) -> bool:
    value = value.strip().upper()
    return bool(_ID_SHAPE.match(value)) and id_check_character(value[:17]) == value[17]


def normalise_mobile(value: str) -> str:
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+86"):
        return digits[3:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def applicant_subject_hash(phone: str) -> str:
    """Identity's rule, which every tier relies on: a signed-in applicant is
    "applicant:<this>", the sha256 hex of the normalised mobile number."""
    return hashlib.sha256(normalise_mobile(phone).encode()).hexdigest()


def valid_mobile(value: str) -> bool:
    return bool(_MOBILE.match(normalise_mobile(value)))


def _check_id_number(value: str) -> str:
    value = value.strip().upper()
    if not _ID_SHAPE.match(value):
        raise ValueError(
            "id_number must be 18 characters: 17 digits and a check digit or X"
            " / 身份证号码应为18位：17位数字加1位校验码（数字或X）"
        )
    if id_check_character(value[:17]) != value[17]:
        raise ValueError(
            "id_number has a wrong check digit: please check the number"
            " / 身份证号码校验位不正确，请核对号码"
        )
    return value


def _check_mobile(value: str) -> str:
    number = normalise_mobile(value)
    if not _MOBILE.match(number):
        raise ValueError(
            "phone must be a mainland mobile number of 11 digits starting 13 to 19"
            " / 手机号码应为以13至19开头的11位大陆手机号码"
        )
    return number


# Pydantic types for the edge: a 422 whose `loc` names the field, in both languages.
IdNumber = Annotated[str, AfterValidator(_check_id_number)]
MobileNumber = Annotated[str, AfterValidator(_check_mobile)]


def mask_id_number(value: str) -> str:
    value = value.strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    number = normalise_mobile(value)
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(value: str) -> str:
    """The family name (the first character) and stars: 张三 -> 张*, 欧阳修 -> 欧**."""
    value = value.strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""


def mask_address(value: str) -> str:
    """An e-mail keeps its first letter and its domain; a phone its mask; anything else is
    starred after four characters."""
    value = value.strip()
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return (local[:1] + "***@" + domain) if local else "***@" + domain
    if valid_mobile(value):
        return mask_phone(value)
    return value[:4] + "***" if len(value) > 4 else "***"


def mask_text(text: str) -> str:
    """Every ID number and mobile number standing on its own in `text`, masked."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def find_identifiers(text: str, identifiers: list[str]) -> list[str]:
    """Which of the given identifiers appear unmasked in `text` (for tests and audits)."""
    return [i for i in identifiers if i and i in text]
