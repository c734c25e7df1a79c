from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetCaseStatusRequest(_message.Message):
    __slots__ = ("case_number", "query_code")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    QUERY_CODE_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    query_code: str
    def __init__(self, case_number: _Optional[str] = ..., query_code: _Optional[str] = ...) -> None: ...

class GetCaseStatusResponse(_message.Message):
    __slots__ = ("case_number", "status")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    status: str
    def __init__(self, case_number: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...
