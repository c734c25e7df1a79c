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
