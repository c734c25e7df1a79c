from govnet.common.v1 import case_pb2 as _case_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Handling(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HANDLING_UNSPECIFIED: _ClassVar[Handling]
    HANDLING_DIRECT: _ClassVar[Handling]
    HANDLING_COMMITMENT: _ClassVar[Handling]
    HANDLING_JOINT: _ClassVar[Handling]
    HANDLING_ASSISTED: _ClassVar[Handling]
    HANDLING_AGENCY: _ClassVar[Handling]

class MaterialForm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATERIAL_FORM_UNSPECIFIED: _ClassVar[MaterialForm]
    MATERIAL_FORM_ORIGINAL: _ClassVar[MaterialForm]
    MATERIAL_FORM_COPY: _ClassVar[MaterialForm]

class SeasonalMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEASONAL_MODE_UNSPECIFIED: _ClassVar[SeasonalMode]
    SEASONAL_MODE_RETAINED_WINDOW: _ClassVar[SeasonalMode]
    SEASONAL_MODE_FIXED_RECEPTION_DAYS: _ClassVar[SeasonalMode]
    SEASONAL_MODE_APPOINTMENT: _ClassVar[SeasonalMode]
HANDLING_UNSPECIFIED: Handling
HANDLING_DIRECT: Handling
HANDLING_COMMITMENT: Handling
HANDLING_JOINT: Handling
HANDLING_ASSISTED: Handling
HANDLING_AGENCY: Handling
MATERIAL_FORM_UNSPECIFIED: MaterialForm
MATERIAL_FORM_ORIGINAL: MaterialForm
MATERIAL_FORM_COPY: MaterialForm
SEASONAL_MODE_UNSPECIFIED: SeasonalMode
SEASONAL_MODE_RETAINED_WINDOW: SeasonalMode
SEASONAL_MODE_FIXED_RECEPTION_DAYS: SeasonalMode
SEASONAL_MODE_APPOINTMENT: SeasonalMode

class RequiredMaterial(_message.Message):
    __slots__ = ("code", "name_zh", "name_en", "form", "count", "notes_zh", "notes_en")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NOTES_ZH_FIELD_NUMBER: _ClassVar[int]
    NOTES_EN_FIELD_NUMBER: _ClassVar[int]
    code: str
    name_zh: str
    name_en: str
    form: MaterialForm
    count: int
    notes_zh: str
    notes_en: str
    def __init__(self, code: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., form: _Optional[_Union[MaterialForm, str]] = ..., count: _Optional[int] = ..., notes_zh: _Optional[str] = ..., notes_en: _Optional[str] = ...) -> None: ...

class TierHandling(_message.Message):
    __slots__ = ("tier", "handling")
    TIER_FIELD_NUMBER: _ClassVar[int]
    HANDLING_FIELD_NUMBER: _ClassVar[int]
    tier: _case_pb2.Tier
    handling: Handling
    def __init__(self, tier: _Optional[_Union[_case_pb2.Tier, str]] = ..., handling: _Optional[_Union[Handling, str]] = ...) -> None: ...

class CatalogItem(_message.Message):
    __slots__ = ("code", "version", "name_zh", "name_en", "department_code", "department_name_zh", "department_name_en", "deciding_tier", "handling", "legal_basis_zh", "legal_basis_en", "materials", "procedure_zh", "procedure_en", "time_limit_days", "fee_basis_zh", "fee_basis_en", "fee_fen", "window_phone", "complaint_phone", "double_default_document", "law_excludes_default", "sample_values", "double_default_date", "fee_per_unit_fen", "fee_unit_zh", "fee_unit_en", "fee_note_zh", "fee_note_en", "online_application", "town_online_submission", "extension_days", "seasonal", "category_code", "category_name_zh", "category_name_en", "joint_department_codes")
    CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    DECIDING_TIER_FIELD_NUMBER: _ClassVar[int]
    HANDLING_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_ZH_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_EN_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    PROCEDURE_ZH_FIELD_NUMBER: _ClassVar[int]
    PROCEDURE_EN_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_DAYS_FIELD_NUMBER: _ClassVar[int]
    FEE_BASIS_ZH_FIELD_NUMBER: _ClassVar[int]
    FEE_BASIS_EN_FIELD_NUMBER: _ClassVar[int]
    FEE_FEN_FIELD_NUMBER: _ClassVar[int]
    WINDOW_PHONE_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_PHONE_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_DEFAULT_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    LAW_EXCLUDES_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_VALUES_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_DEFAULT_DATE_FIELD_NUMBER: _ClassVar[int]
    FEE_PER_UNIT_FEN_FIELD_NUMBER: _ClassVar[int]
    FEE_UNIT_ZH_FIELD_NUMBER: _ClassVar[int]
    FEE_UNIT_EN_FIELD_NUMBER: _ClassVar[int]
    FEE_NOTE_ZH_FIELD_NUMBER: _ClassVar[int]
    FEE_NOTE_EN_FIELD_NUMBER: _ClassVar[int]
    ONLINE_APPLICATION_FIELD_NUMBER: _ClassVar[int]
    TOWN_ONLINE_SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    EXTENSION_DAYS_FIELD_NUMBER: _ClassVar[int]
    SEASONAL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CODE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    JOINT_DEPARTMENT_CODES_FIELD_NUMBER: _ClassVar[int]
    code: str
    version: int
    name_zh: str
    name_en: str
    department_code: str
    department_name_zh: str
    department_name_en: str
    deciding_tier: _case_pb2.Tier
    handling: _containers.RepeatedCompositeFieldContainer[TierHandling]
    legal_basis_zh: str
    legal_basis_en: str
    materials: _containers.RepeatedCompositeFieldContainer[RequiredMaterial]
    procedure_zh: _containers.RepeatedScalarFieldContainer[str]
    procedure_en: _containers.RepeatedScalarFieldContainer[str]
    time_limit_days: int
    fee_basis_zh: str
    fee_basis_en: str
    fee_fen: int
    window_phone: str
    complaint_phone: str
    double_default_document: str
    law_excludes_default: bool
    sample_values: bool
    double_default_date: str
    fee_per_unit_fen: int
    fee_unit_zh: str
    fee_unit_en: str
    fee_note_zh: str
    fee_note_en: str
    online_application: bool
    town_online_submission: bool
    extension_days: int
    seasonal: Seasonal
    category_code: str
    category_name_zh: str
    category_name_en: str
    joint_department_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, code: _Optional[str] = ..., version: _Optional[int] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., department_code: _Optional[str] = ..., department_name_zh: _Optional[str] = ..., department_name_en: _Optional[str] = ..., deciding_tier: _Optional[_Union[_case_pb2.Tier, str]] = ..., handling: _Optional[_Iterable[_Union[TierHandling, _Mapping]]] = ..., legal_basis_zh: _Optional[str] = ..., legal_basis_en: _Optional[str] = ..., materials: _Optional[_Iterable[_Union[RequiredMaterial, _Mapping]]] = ..., procedure_zh: _Optional[_Iterable[str]] = ..., procedure_en: _Optional[_Iterable[str]] = ..., time_limit_days: _Optional[int] = ..., fee_basis_zh: _Optional[str] = ..., fee_basis_en: _Optional[str] = ..., fee_fen: _Optional[int] = ..., window_phone: _Optional[str] = ..., complaint_phone: _Optional[str] = ..., double_default_document: _Optional[str] = ..., law_excludes_default: _Optional[bool] = ..., sample_values: _Optional[bool] = ..., double_default_date: _Optional[str] = ..., fee_per_unit_fen: _Optional[int] = ..., fee_unit_zh: _Optional[str] = ..., fee_unit_en: _Optional[str] = ..., fee_note_zh: _Optional[str] = ..., fee_note_en: _Optional[str] = ..., online_application: _Optional[bool] = ..., town_online_submission: _Optional[bool] = ..., extension_days: _Optional[int] = ..., seasonal: _Optional[_Union[Seasonal, _Mapping]] = ..., category_code: _Optional[str] = ..., category_name_zh: _Optional[str] = ..., category_name_en: _Optional[str] = ..., joint_department_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class Seasonal(_message.Message):
    __slots__ = ("mode", "months", "reception_weekdays", "slot_times", "slot_capacity", "note_zh", "note_en")
    MODE_FIELD_NUMBER: _ClassVar[int]
    MONTHS_FIELD_NUMBER: _ClassVar[int]
    RECEPTION_WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    SLOT_TIMES_FIELD_NUMBER: _ClassVar[int]
    SLOT_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    NOTE_ZH_FIELD_NUMBER: _ClassVar[int]
    NOTE_EN_FIELD_NUMBER: _ClassVar[int]
    mode: SeasonalMode
    months: _containers.RepeatedScalarFieldContainer[int]
    reception_weekdays: _containers.RepeatedScalarFieldContainer[int]
    slot_times: _containers.RepeatedScalarFieldContainer[str]
    slot_capacity: int
    note_zh: str
    note_en: str
    def __init__(self, mode: _Optional[_Union[SeasonalMode, str]] = ..., months: _Optional[_Iterable[int]] = ..., reception_weekdays: _Optional[_Iterable[int]] = ..., slot_times: _Optional[_Iterable[str]] = ..., slot_capacity: _Optional[int] = ..., note_zh: _Optional[str] = ..., note_en: _Optional[str] = ...) -> None: ...

class Department(_message.Message):
    __slots__ = ("code", "name_zh", "name_en", "stationed", "required_item_codes", "stationed_item_codes")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    STATIONED_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    STATIONED_ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    code: str
    name_zh: str
    name_en: str
    stationed: bool
    required_item_codes: _containers.RepeatedScalarFieldContainer[str]
    stationed_item_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, code: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., stationed: _Optional[bool] = ..., required_item_codes: _Optional[_Iterable[str]] = ..., stationed_item_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class DisclosureSection(_message.Message):
    __slots__ = ("key", "heading", "text", "lines")
    KEY_FIELD_NUMBER: _ClassVar[int]
    HEADING_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    key: str
    heading: str
    text: str
    lines: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, key: _Optional[str] = ..., heading: _Optional[str] = ..., text: _Optional[str] = ..., lines: _Optional[_Iterable[str]] = ...) -> None: ...

class Disclosure(_message.Message):
    __slots__ = ("item_code", "item_version", "language", "title", "department", "sections", "double_default", "double_default_adopted", "law_excludes_default", "window_phone", "complaint_phone", "sample_notice")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_VERSION_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_DEFAULT_ADOPTED_FIELD_NUMBER: _ClassVar[int]
    LAW_EXCLUDES_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_PHONE_FIELD_NUMBER: _ClassVar[int]
    COMPLAINT_PHONE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_NOTICE_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    item_version: int
    language: str
    title: str
    department: str
    sections: _containers.RepeatedCompositeFieldContainer[DisclosureSection]
    double_default: DisclosureSection
    double_default_adopted: bool
    law_excludes_default: bool
    window_phone: str
    complaint_phone: str
    sample_notice: str
    def __init__(self, item_code: _Optional[str] = ..., item_version: _Optional[int] = ..., language: _Optional[str] = ..., title: _Optional[str] = ..., department: _Optional[str] = ..., sections: _Optional[_Iterable[_Union[DisclosureSection, _Mapping]]] = ..., double_default: _Optional[_Union[DisclosureSection, _Mapping]] = ..., double_default_adopted: _Optional[bool] = ..., law_excludes_default: _Optional[bool] = ..., window_phone: _Optional[str] = ..., complaint_phone: _Optional[str] = ..., sample_notice: _Optional[str] = ...) -> None: ...

class FeeLine(_message.Message):
    __slots__ = ("label_zh", "label_en", "amount_fen")
    LABEL_ZH_FIELD_NUMBER: _ClassVar[int]
    LABEL_EN_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    label_zh: str
    label_en: str
    amount_fen: int
    def __init__(self, label_zh: _Optional[str] = ..., label_en: _Optional[str] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class FeeAssessment(_message.Message):
    __slots__ = ("item_code", "item_version", "units", "amount_fen", "lines", "fee_basis_zh", "fee_basis_en", "sample_values")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_VERSION_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    FEE_BASIS_ZH_FIELD_NUMBER: _ClassVar[int]
    FEE_BASIS_EN_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_VALUES_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    item_version: int
    units: int
    amount_fen: int
    lines: _containers.RepeatedCompositeFieldContainer[FeeLine]
    fee_basis_zh: str
    fee_basis_en: str
    sample_values: bool
    def __init__(self, item_code: _Optional[str] = ..., item_version: _Optional[int] = ..., units: _Optional[int] = ..., amount_fen: _Optional[int] = ..., lines: _Optional[_Iterable[_Union[FeeLine, _Mapping]]] = ..., fee_basis_zh: _Optional[str] = ..., fee_basis_en: _Optional[str] = ..., sample_values: _Optional[bool] = ...) -> None: ...
