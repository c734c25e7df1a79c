import datetime

from govnet.catalog.v1 import catalog_pb2 as _catalog_pb2
from govnet.common.v1 import case_pb2 as _case_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubmitComplaintRequest(_message.Message):
    __slots__ = ("number", "code", "kind", "content", "contact", "place_code", "case_number", "window_id", "person", "received_at")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    WINDOW_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    number: str
    code: str
    kind: str
    content: str
    contact: str
    place_code: str
    case_number: str
    window_id: str
    person: str
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, number: _Optional[str] = ..., code: _Optional[str] = ..., kind: _Optional[str] = ..., content: _Optional[str] = ..., contact: _Optional[str] = ..., place_code: _Optional[str] = ..., case_number: _Optional[str] = ..., window_id: _Optional[str] = ..., person: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitComplaintResponse(_message.Message):
    __slots__ = ("number", "created", "status")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    number: str
    created: bool
    status: str
    def __init__(self, number: _Optional[str] = ..., created: _Optional[bool] = ..., status: _Optional[str] = ...) -> None: ...

class SubmitCaseRequest(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: _case_pb2.CaseTransfer
    def __init__(self, transfer: _Optional[_Union[_case_pb2.CaseTransfer, _Mapping]] = ...) -> None: ...

class SubmitCaseResponse(_message.Message):
    __slots__ = ("case_number", "created", "status")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    created: bool
    status: _case_pb2.CaseStatus
    def __init__(self, case_number: _Optional[str] = ..., created: _Optional[bool] = ..., status: _Optional[_Union[_case_pb2.CaseStatus, str]] = ...) -> None: ...

class GetDecisionRequest(_message.Message):
    __slots__ = ("case_number",)
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    def __init__(self, case_number: _Optional[str] = ...) -> None: ...

class GetDecisionResponse(_message.Message):
    __slots__ = ("decision",)
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: _case_pb2.Decision
    def __init__(self, decision: _Optional[_Union[_case_pb2.Decision, _Mapping]] = ...) -> None: ...

class ListCatalogItemsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCatalogItemsResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_catalog_pb2.CatalogItem]
    def __init__(self, items: _Optional[_Iterable[_Union[_catalog_pb2.CatalogItem, _Mapping]]] = ...) -> None: ...

class SearchCatalogItemsRequest(_message.Message):
    __slots__ = ("tier", "department_code", "category_code", "query", "page_size", "page_token")
    TIER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_CODE_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tier: _case_pb2.Tier
    department_code: str
    category_code: str
    query: str
    page_size: int
    page_token: str
    def __init__(self, tier: _Optional[_Union[_case_pb2.Tier, str]] = ..., department_code: _Optional[str] = ..., category_code: _Optional[str] = ..., query: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchCatalogItemsResponse(_message.Message):
    __slots__ = ("items", "next_page_token", "total_size")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_catalog_pb2.CatalogItem]
    next_page_token: str
    total_size: int
    def __init__(self, items: _Optional[_Iterable[_Union[_catalog_pb2.CatalogItem, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetCatalogItemRequest(_message.Message):
    __slots__ = ("code", "version")
    CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    code: str
    version: int
    def __init__(self, code: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetCatalogItemResponse(_message.Message):
    __slots__ = ("item", "status")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    item: _catalog_pb2.CatalogItem
    status: str
    def __init__(self, item: _Optional[_Union[_catalog_pb2.CatalogItem, _Mapping]] = ..., status: _Optional[str] = ...) -> None: ...

class GetItemDisclosureRequest(_message.Message):
    __slots__ = ("code", "language")
    CODE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    language: str
    def __init__(self, code: _Optional[str] = ..., language: _Optional[str] = ...) -> None: ...

class GetItemDisclosureResponse(_message.Message):
    __slots__ = ("disclosure",)
    DISCLOSURE_FIELD_NUMBER: _ClassVar[int]
    disclosure: _catalog_pb2.Disclosure
    def __init__(self, disclosure: _Optional[_Union[_catalog_pb2.Disclosure, _Mapping]] = ...) -> None: ...

class ListDepartmentsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDepartmentsResponse(_message.Message):
    __slots__ = ("departments",)
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    departments: _containers.RepeatedCompositeFieldContainer[_catalog_pb2.Department]
    def __init__(self, departments: _Optional[_Iterable[_Union[_catalog_pb2.Department, _Mapping]]] = ...) -> None: ...

class AssessFeeRequest(_message.Message):
    __slots__ = ("item_code", "item_version", "units")
    ITEM_CODE_FIELD_NUMBER: _ClassVar[int]
    ITEM_VERSION_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    item_code: str
    item_version: int
    units: int
    def __init__(self, item_code: _Optional[str] = ..., item_version: _Optional[int] = ..., units: _Optional[int] = ...) -> None: ...

class AssessFeeResponse(_message.Message):
    __slots__ = ("assessment",)
    ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    assessment: _catalog_pb2.FeeAssessment
    def __init__(self, assessment: _Optional[_Union[_catalog_pb2.FeeAssessment, _Mapping]] = ...) -> None: ...

class GetCaseStateRequest(_message.Message):
    __slots__ = ("case_number",)
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    def __init__(self, case_number: _Optional[str] = ...) -> None: ...

class GetCaseStateResponse(_message.Message):
    __slots__ = ("state",)
    STATE_FIELD_NUMBER: _ClassVar[int]
    state: _case_pb2.CaseState
    def __init__(self, state: _Optional[_Union[_case_pb2.CaseState, _Mapping]] = ...) -> None: ...

class WithdrawCaseRequest(_message.Message):
    __slots__ = ("case_number", "reason", "requested_by")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    reason: str
    requested_by: str
    def __init__(self, case_number: _Optional[str] = ..., reason: _Optional[str] = ..., requested_by: _Optional[str] = ...) -> None: ...

class WithdrawCaseResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: _case_pb2.CaseStatus
    def __init__(self, status: _Optional[_Union[_case_pb2.CaseStatus, str]] = ...) -> None: ...

class SupplementCaseRequest(_message.Message):
    __slots__ = ("case_number", "materials", "acting_staff_id")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    MATERIALS_FIELD_NUMBER: _ClassVar[int]
    ACTING_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    materials: _containers.RepeatedCompositeFieldContainer[_case_pb2.Material]
    acting_staff_id: str
    def __init__(self, case_number: _Optional[str] = ..., materials: _Optional[_Iterable[_Union[_case_pb2.Material, _Mapping]]] = ..., acting_staff_id: _Optional[str] = ...) -> None: ...

class SupplementCaseResponse(_message.Message):
    __slots__ = ("state",)
    STATE_FIELD_NUMBER: _ClassVar[int]
    state: _case_pb2.CaseState
    def __init__(self, state: _Optional[_Union[_case_pb2.CaseState, _Mapping]] = ...) -> None: ...
