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
HANDLING_UNSPECIFIED: Handling
HANDLING_DIRECT: Handling
HANDLING_COMMITMENT: Handling
HANDLING_JOINT: Handling
HANDLING_ASSISTED: Handling
HANDLING_AGENCY: Handling
MATERIAL_FORM_UNSPECIFIED: MaterialForm
MATERIAL_FORM_ORIGINAL: MaterialForm
MATERIAL_FORM_COPY: MaterialForm

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
    __slots__ = ("code", "version", "name_zh", "name_en", "department_code", "department_name_zh", "department_name_en", "deciding_tier", "handling", "legal_basis_zh", "legal_basis_en", "materials", "procedure_zh", "procedure_en", "time_limit_days", "fee_basis_zh", "fee_basis_en", "fee_fen", "window_phone", "complaint_phone", "double_default_document", "law_excludes_default", "sample_values")
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
    def __init__(self, code: _Optional[str] = ..., version: _Optional[int] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., department_code: _Optional[str] = ..., department_name_zh: _Optional[str] = ..., department_name_en: _Optional[str] = ..., deciding_tier: _Optional[_Union[_case_pb2.Tier, str]] = ..., handling: _Optional[_Iterable[_Union[TierHandling, _Mapping]]] = ..., legal_basis_zh: _Optional[str] = ..., legal_basis_en: _Optional[str] = ..., materials: _Optional[_Iterable[_Union[RequiredMaterial, _Mapping]]] = ..., procedure_zh: _Optional[_Iterable[str]] = ..., procedure_en: _Optional[_Iterable[str]] = ..., time_limit_days: _Optional[int] = ..., fee_basis_zh: _Optional[str] = ..., fee_basis_en: _Optional[str] = ..., fee_fen: _Optional[int] = ..., window_phone: _Optional[str] = ..., complaint_phone: _Optional[str] = ..., double_default_document: _Optional[str] = ..., law_excludes_default: _Optional[bool] = ..., sample_values: _Optional[bool] = ...) -> None: ...
