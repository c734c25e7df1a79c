import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from govnet.catalog.v1 import catalog_pb2 as _catalog_pb2
from govnet.common.v1 import case_pb2 as _case_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseStatusChanged(_message.Message):
    __slots__ = ("event_id", "case_number", "item_code", "item_version", "tier", "place_code", "origin_place_code", "department_code", "window_id", "acting_staff_id", "status", "deadline", "suspended", "reason_code", "result_document_number", "occurred_at", "traceparent")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_ID_FIELD_NUMBER: _ClassVar[int]
    ACTING_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SUSPENDED_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    RESULT_DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    case_number: str
    item_code: str
    item_version: int
    tier: _case_pb2.Tier
    place_code: str
    origin_place_code: str
    department_code: str
    window_id: str
    acting_staff_id: str
    status: _case_pb2.CaseStatus
    deadline: _timestamp_pb2.Timestamp
    suspended: bool
    reason_code: str
    result_document_number: str
    occurred_at: _timestamp_pb2.Timestamp
    traceparent: str
    def __init__(self, event_id: _Optional[str] = ..., case_number: _Optional[str] = ..., item_code: _Optional[str] = ..., item_version: _Optional[int] = ..., tier: _Optional[_Union[_case_pb2.Tier, str]] = ..., place_code: _Optional[str] = ..., origin_place_code: _Optional[str] = ..., department_code: _Optional[str] = ..., window_id: _Optional[str] = ..., acting_staff_id: _Optional[str] = ..., status: _Optional[_Union[_case_pb2.CaseStatus, str]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., suspended: _Optional[bool] = ..., reason_code: _Optional[str] = ..., result_document_number: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., traceparent: _Optional[str] = ...) -> None: ...

class CatalogItemPublished(_message.Message):
    __slots__ = ("event_id", "item", "published_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    item: _catalog_pb2.CatalogItem
    published_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., item: _Optional[_Union[_catalog_pb2.CatalogItem, _Mapping]] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GrantRevoked(_message.Message):
    __slots__ = ("event_id", "delegation_id", "substitution_id", "staff_id", "reason", "revoked_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    DELEGATION_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTION_ID_FIELD_NUMBER: _ClassVar[int]
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    delegation_id: str
    substitution_id: str
    staff_id: str
    reason: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., delegation_id: _Optional[str] = ..., substitution_id: _Optional[str] = ..., staff_id: _Optional[str] = ..., reason: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CalendarDay(_message.Message):
    __slots__ = ("day", "working", "note")
    DAY_FIELD_NUMBER: _ClassVar[int]
    WORKING_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    day: str
    working: bool
    note: str
    def __init__(self, day: _Optional[str] = ..., working: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class CalendarPublished(_message.Message):
    __slots__ = ("event_id", "year", "confirmed", "days", "published_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    year: int
    confirmed: bool
    days: _containers.RepeatedCompositeFieldContainer[CalendarDay]
    published_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., year: _Optional[int] = ..., confirmed: _Optional[bool] = ..., days: _Optional[_Iterable[_Union[CalendarDay, _Mapping]]] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
