import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_IN_APP: _ClassVar[Channel]

class RecipientRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECIPIENT_ROLE_UNSPECIFIED: _ClassVar[RecipientRole]
    RECIPIENT_ROLE_APPLICANT: _ClassVar[RecipientRole]
    RECIPIENT_ROLE_AGENT: _ClassVar[RecipientRole]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_SMS: Channel
CHANNEL_EMAIL: Channel
CHANNEL_IN_APP: Channel
RECIPIENT_ROLE_UNSPECIFIED: RecipientRole
RECIPIENT_ROLE_APPLICANT: RecipientRole
RECIPIENT_ROLE_AGENT: RecipientRole

class Recipient(_message.Message):
    __slots__ = ("role", "channel", "language", "address")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    role: RecipientRole
    channel: Channel
    language: str
    address: str
    def __init__(self, role: _Optional[_Union[RecipientRole, str]] = ..., channel: _Optional[_Union[Channel, str]] = ..., language: _Optional[str] = ..., address: _Optional[str] = ...) -> None: ...

class RegisterRecipientsRequest(_message.Message):
    __slots__ = ("case_number", "recipients")
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    recipients: _containers.RepeatedCompositeFieldContainer[Recipient]
    def __init__(self, case_number: _Optional[str] = ..., recipients: _Optional[_Iterable[_Union[Recipient, _Mapping]]] = ...) -> None: ...

class RegisterRecipientsResponse(_message.Message):
    __slots__ = ("registered",)
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    registered: int
    def __init__(self, registered: _Optional[int] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("case_number",)
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    case_number: str
    def __init__(self, case_number: _Optional[str] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("event_id", "case_number", "role", "channel", "language", "text", "status", "created_at", "id", "subject", "template", "template_version", "attempts", "delivered_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    case_number: str
    role: RecipientRole
    channel: Channel
    language: str
    text: str
    status: str
    created_at: _timestamp_pb2.Timestamp
    id: str
    subject: str
    template: str
    template_version: int
    attempts: int
    delivered_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., case_number: _Optional[str] = ..., role: _Optional[_Union[RecipientRole, str]] = ..., channel: _Optional[_Union[Channel, str]] = ..., language: _Optional[str] = ..., text: _Optional[str] = ..., status: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., id: _Optional[str] = ..., subject: _Optional[str] = ..., template: _Optional[str] = ..., template_version: _Optional[int] = ..., attempts: _Optional[int] = ..., delivered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications",)
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ...) -> None: ...

class ListInboxRequest(_message.Message):
    __slots__ = ("address", "page_size", "page_token")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    address: str
    page_size: int
    page_token: str
    def __init__(self, address: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInboxResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_page_token: str
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SendDirectRequest(_message.Message):
    __slots__ = ("channel", "address", "language", "template", "values", "reference")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    address: str
    language: str
    template: str
    values: _containers.ScalarMap[str, str]
    reference: str
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., address: _Optional[str] = ..., language: _Optional[str] = ..., template: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ..., reference: _Optional[str] = ...) -> None: ...

class SendDirectResponse(_message.Message):
    __slots__ = ("notification_id",)
    NOTIFICATION_ID_FIELD_NUMBER: _ClassVar[int]
    notification_id: str
    def __init__(self, notification_id: _Optional[str] = ...) -> None: ...
