import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tier(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIER_UNSPECIFIED: _ClassVar[Tier]
    TIER_VILLAGE: _ClassVar[Tier]
    TIER_TOWN: _ClassVar[Tier]
    TIER_CITY: _ClassVar[Tier]

class CaseStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATUS_UNSPECIFIED: _ClassVar[CaseStatus]
    CASE_STATUS_ACCEPTED: _ClassVar[CaseStatus]
    CASE_STATUS_TRANSMITTED: _ClassVar[CaseStatus]
    CASE_STATUS_RECEIVED: _ClassVar[CaseStatus]
    CASE_STATUS_PENDING_DECISION: _ClassVar[CaseStatus]
    CASE_STATUS_APPROVED: _ClassVar[CaseStatus]
    CASE_STATUS_REFUSED: _ClassVar[CaseStatus]
    CASE_STATUS_DEEMED_APPROVED: _ClassVar[CaseStatus]
    CASE_STATUS_REPLY_READY: _ClassVar[CaseStatus]
    CASE_STATUS_WITHDRAWN: _ClassVar[CaseStatus]
    CASE_STATUS_IN_REVIEW: _ClassVar[CaseStatus]
    CASE_STATUS_SUSPENDED: _ClassVar[CaseStatus]
    CASE_STATUS_REPLIED: _ClassVar[CaseStatus]
    CASE_STATUS_CLOSED: _ClassVar[CaseStatus]
    CASE_STATUS_CONSULTED: _ClassVar[CaseStatus]
    CASE_STATUS_REDIRECTED: _ClassVar[CaseStatus]
    CASE_STATUS_INCOMPLETE: _ClassVar[CaseStatus]
TIER_UNSPECIFIED: Tier
TIER_VILLAGE: Tier
TIER_TOWN: Tier
TIER_CITY: Tier
CASE_STATUS_UNSPECIFIED: CaseStatus
CASE_STATUS_ACCEPTED: CaseStatus
CASE_STATUS_TRANSMITTED: CaseStatus
CASE_STATUS_RECEIVED: CaseStatus
CASE_STATUS_PENDING_DECISION: CaseStatus
CASE_STATUS_APPROVED: CaseStatus
CASE_STATUS_REFUSED: CaseStatus
CASE_STATUS_DEEMED_APPROVED: CaseStatus
CASE_STATUS_REPLY_READY: CaseStatus
CASE_STATUS_WITHDRAWN: CaseStatus
CASE_STATUS_IN_REVIEW: CaseStatus
CASE_STATUS_SUSPENDED: CaseStatus
CASE_STATUS_REPLIED: CaseStatus
CASE_STATUS_CLOSED: CaseStatus
CASE_STATUS_CONSULTED: CaseStatus
CASE_STATUS_REDIRECTED: CaseStatus
CASE_STATUS_INCOMPLETE: CaseStatus

class Material(_message.Message):
    __slots__ = ("code", "filename", "content_type", "content", "sha256")
    CODE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    code: str
    filename: str
    content_type: str
    content: bytes
    sha256: str
    def __init__(self, code: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ..., sha256: _Optional[str] = ...) -> None: ...

class Applicant(_message.Message):
    __slots__ = ("name", "id_number", "phone", "language")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    id_number: str
    phone: str
    language: str
    def __init__(self, name: _Optional[str] = ..., id_number: _Optional[str] = ..., phone: _Optional[str] = ..., language: _Optional[str] = ...) -> None: ...

class CaseTransfer(_message.Message):
    __slots__ = ("case_number", "query_code", "item_code", "item_version", "origin_place_code", "origin_tier", "sender_place_code", "applicant", "materials", "accepted_at", "deadline", "agent_staff_id", "acting_staff_id", "trace_note", "applicant_ref")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    QUERY_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_VERSION_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_TIER_FIELD_NUMBER: _ClassVar[int]
    SENDER_PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_AT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    AGENT_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    ACTING_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_NOTE_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_REF_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    query_code: str
    item_code: str
    item_version: int
    origin_place_code: str
    origin_tier: Tier
    sender_place_code: str
    applicant: Applicant
    materials: _containers.RepeatedCompositeFieldContainer[Material]
    accepted_at: _timestamp_pb2.Timestamp
    deadline: _timestamp_pb2.Timestamp
    agent_staff_id: str
    acting_staff_id: str
    trace_note: str
    applicant_ref: str
    def __init__(self, case_number: _Optional[str] = ..., query_code: _Optional[str] = ..., item_code: _Optional[str] = ..., item_version: _Optional[int] = ..., origin_place_code: _Optional[str] = ..., origin_tier: _Optional[_Union[Tier, str]] = ..., sender_place_code: _Optional[str] = ..., applicant: _Optional[_Union[Applicant, _Mapping]] = ..., materials: _Optional[_Iterable[_Union[Material, _Mapping]]] = ..., accepted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., agent_staff_id: _Optional[str] = ..., acting_staff_id: _Optional[str] = ..., trace_note: _Optional[str] = ..., applicant_ref: _Optional[str] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("case_number", "status", "result_document_number", "document_title", "document_text", "reason_code", "legal_reason", "department_code", "decided_by_staff_id", "decided_at")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESULT_DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TITLE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TEXT_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_REASON_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    status: CaseStatus
    result_document_number: str
    document_title: str
    document_text: str
    reason_code: str
    legal_reason: str
    department_code: str
    decided_by_staff_id: str
    decided_at: _timestamp_pb2.Timestamp
    def __init__(self, case_number: _Optional[str] = ..., status: _Optional[_Union[CaseStatus, str]] = ..., result_document_number: _Optional[str] = ..., document_title: _Optional[str] = ..., document_text: _Optional[str] = ..., reason_code: _Optional[str] = ..., legal_reason: _Optional[str] = ..., department_code: _Optional[str] = ..., decided_by_staff_id: _Optional[str] = ..., decided_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SupplementRequest(_message.Message):
    __slots__ = ("material_codes", "material_names_zh", "material_names_en", "note", "requested_at", "requested_by_staff_id")
    MATERIAL_CODES_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_NAMES_ZH_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_NAMES_EN_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    material_codes: _containers.RepeatedScalarFieldContainer[str]
    material_names_zh: _containers.RepeatedScalarFieldContainer[str]
    material_names_en: _containers.RepeatedScalarFieldContainer[str]
    note: str
    requested_at: _timestamp_pb2.Timestamp
    requested_by_staff_id: str
    def __init__(self, material_codes: _Optional[_Iterable[str]] = ..., material_names_zh: _Optional[_Iterable[str]] = ..., material_names_en: _Optional[_Iterable[str]] = ..., note: _Optional[str] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., requested_by_staff_id: _Optional[str] = ...) -> None: ...

class CaseState(_message.Message):
    __slots__ = ("case_number", "status", "tier", "deadline", "suspended", "supplement_request", "extended_days", "owner_staff_id")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SUSPENDED_FIELD_NUMBER: _ClassVar[int]
    SUPPLEMENT_REQUEST_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_DAYS_FIELD_NUMBER: _ClassVar[int]
    OWNER_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    status: CaseStatus
    tier: Tier
    deadline: _timestamp_pb2.Timestamp
    suspended: bool
    supplement_request: SupplementRequest
    extended_days: int
    owner_staff_id: str
    def __init__(self, case_number: _Optional[str] = ..., status: _Optional[_Union[CaseStatus, str]] = ..., tier: _Optional[_Union[Tier, str]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., suspended: _Optional[bool] = ..., supplement_request: _Optional[_Union[SupplementRequest, _Mapping]] = ..., extended_days: _Optional[int] = ..., owner_staff_id: _Optional[str] = ...) -> None: ...
