from govnet.common.v1 import case_pb2 as _case_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
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
