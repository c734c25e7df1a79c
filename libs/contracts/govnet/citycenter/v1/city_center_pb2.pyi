from govnet.catalog.v1 import catalog_pb2 as _catalog_pb2
from govnet.common.v1 import case_pb2 as _case_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

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
