"""The catalog as files and JSON: one item specification for the admin API, YAML and CSV (C1).

The same model validates an HTTP body, a YAML item and a CSV row, so every edge reports the
same field names. Cross-field and cross-item rules are in `rules.py`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# NATS subjects carry the item code (`govnet.catalog.item.<code>`): no dots or wildcards.
ItemCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$", max_length=50)
]
DepartmentCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
MaterialCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9][0-9-]{2,19}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
SlotTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
TierName = Literal["city", "town", "village"]
HandlingName = Literal["direct", "commitment", "joint", "assisted", "agency"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MaterialSpec(_Strict):
    code: MaterialCode
    name_zh: ShortText
    name_en: ShortText
    form: Literal["original", "copy"]
    count: int = Field(default=1, ge=1, le=99)
    notes_zh: OptionalText = ""
    notes_en: OptionalText = ""


class SeasonalSpec(_Strict):
    """C5: how a seasonal or periodic item is received."""

    mode: Literal["none", "retained_window", "fixed_reception_days", "appointment"] = "none"
    months: list[Annotated[int, Field(ge=1, le=12)]] = []
    reception_weekdays: list[Annotated[int, Field(ge=1, le=7)]] = []
    slot_times: list[SlotTime] = []
    slot_capacity: int = Field(default=0, ge=0, le=1000)
    note_zh: OptionalText = ""
    note_en: OptionalText = ""


class ItemSpec(_Strict):
    """One item with every field of C1, as an administrator writes it."""

    code: ItemCode
    # On import: omitted means "the next version if anything changed" (see bulk.py).
    version: int | None = Field(default=None, ge=1)
    name_zh: ShortText
    name_en: ShortText
    department: DepartmentCode
    category: str = ""
    deciding_tier: TierName
    # The tiers that accept the item and how each handles it (C3).
    handling: dict[TierName, HandlingName]
    joint_departments: list[DepartmentCode] = []
    legal_basis_zh: Text
    legal_basis_en: Text
    materials: list[MaterialSpec] = []
    procedure_zh: list[Step] = Field(min_length=1)
    procedure_en: list[Step] = Field(min_length=1)
    time_limit_days: int = Field(ge=0, le=365)
    extension_days: int = Field(default=0, ge=0, le=365)
    fee_basis_zh: Text
    fee_basis_en: Text
    fee_fen: int = Field(default=0, ge=0, le=10**10)
    fee_per_unit_fen: int = Field(default=0, ge=0, le=10**10)
    fee_unit_zh: OptionalText = ""
    fee_unit_en: OptionalText = ""
    fee_note_zh: OptionalText = ""
    fee_note_en: OptionalText = ""
    window_phone: Phone
    complaint_phone: Phone
    double_default_document: OptionalText = ""
    double_default_date: date | None = None
    law_excludes_default: bool = False
    online_application: bool = False
    town_online_submission: bool = False
    seasonal: SeasonalSpec | None = None
    sample_values: bool = False


class DepartmentSpec(_Strict):
    code: DepartmentCode
    name_zh: ShortText
    name_en: ShortText
    stationed: bool = False
    # Items of the department stationed at its window in the center (C4).
    stationed_items: list[ItemCode] = []


class DepartmentPatch(_Strict):
    name_zh: ShortText | None = None
    name_en: ShortText | None = None
    stationed: bool | None = None


class StationingIn(_Strict):
    stationed: bool
    window: Annotated[str, StringConstraints(max_length=50)] = ""


class VersionOut(BaseModel):
    code: str
    version: int
    status: str
    name_zh: str
    department_code: str
    published_at: datetime | None
    retired_at: datetime | None
    updated_at: datetime | None


class DraftOut(VersionOut):
    item: ItemSpec


class ImportOut(BaseModel):
    items: int
    created: list[str]
    unchanged: list[str]
    published: list[str]
    departments: int


class StationingGap(BaseModel):
    department_code: str
    name_zh: str
    name_en: str
    department_stationed: bool
    items_not_stationed: list[str]
