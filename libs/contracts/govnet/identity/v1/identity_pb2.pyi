import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SignInRequest(_message.Message):
    __slots__ = ("username", "password")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class SignInResponse(_message.Message):
    __slots__ = ("access_token", "expires_at", "staff_id", "display_name", "roles", "place_code", "tier", "department_code")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    expires_at: _timestamp_pb2.Timestamp
    staff_id: str
    display_name: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    place_code: str
    tier: str
    department_code: str
    def __init__(self, access_token: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., staff_id: _Optional[str] = ..., display_name: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., place_code: _Optional[str] = ..., tier: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class IssueServiceTokenRequest(_message.Message):
    __slots__ = ("client_id", "client_secret")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    client_secret: str
    def __init__(self, client_id: _Optional[str] = ..., client_secret: _Optional[str] = ...) -> None: ...

class IssueServiceTokenResponse(_message.Message):
    __slots__ = ("access_token", "expires_at")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, access_token: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExchangeDelegationRequest(_message.Message):
    __slots__ = ("subject_token", "department_code", "on_behalf_of_staff_id")
    SUBJECT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ON_BEHALF_OF_STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    subject_token: str
    department_code: str
    on_behalf_of_staff_id: str
    def __init__(self, subject_token: _Optional[str] = ..., department_code: _Optional[str] = ..., on_behalf_of_staff_id: _Optional[str] = ...) -> None: ...

class ExchangeDelegationResponse(_message.Message):
    __slots__ = ("approval_credential", "expires_at", "item_codes", "all_items")
    APPROVAL_CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    ALL_ITEMS_FIELD_NUMBER: _ClassVar[int]
    approval_credential: str
    expires_at: _timestamp_pb2.Timestamp
    item_codes: _containers.RepeatedScalarFieldContainer[str]
    all_items: bool
    def __init__(self, approval_credential: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., item_codes: _Optional[_Iterable[str]] = ..., all_items: _Optional[bool] = ...) -> None: ...

class Delegation(_message.Message):
    __slots__ = ("id", "department_code", "representative_id", "item_codes", "all_items", "tier", "valid_from", "valid_until", "revoked_at", "revoked_reason", "granted_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    ALL_ITEMS_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_REASON_FIELD_NUMBER: _ClassVar[int]
    GRANTED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    department_code: str
    representative_id: str
    item_codes: _containers.RepeatedScalarFieldContainer[str]
    all_items: bool
    tier: str
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    revoked_at: _timestamp_pb2.Timestamp
    revoked_reason: str
    granted_by: str
    def __init__(self, id: _Optional[str] = ..., department_code: _Optional[str] = ..., representative_id: _Optional[str] = ..., item_codes: _Optional[_Iterable[str]] = ..., all_items: _Optional[bool] = ..., tier: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_reason: _Optional[str] = ..., granted_by: _Optional[str] = ...) -> None: ...

class Substitution(_message.Message):
    __slots__ = ("id", "holder_id", "substitute_id", "department_code", "valid_from", "valid_until", "ended_at", "named_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    NAMED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    holder_id: str
    substitute_id: str
    department_code: str
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    named_by: str
    def __init__(self, id: _Optional[str] = ..., holder_id: _Optional[str] = ..., substitute_id: _Optional[str] = ..., department_code: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., named_by: _Optional[str] = ...) -> None: ...

class GrantDelegationRequest(_message.Message):
    __slots__ = ("department_code", "representative_id", "item_codes", "all_items", "tier", "valid_from", "valid_until")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    REPRESENTATIVE_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    ALL_ITEMS_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    representative_id: str
    item_codes: _containers.RepeatedScalarFieldContainer[str]
    all_items: bool
    tier: str
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    def __init__(self, department_code: _Optional[str] = ..., representative_id: _Optional[str] = ..., item_codes: _Optional[_Iterable[str]] = ..., all_items: _Optional[bool] = ..., tier: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GrantDelegationResponse(_message.Message):
    __slots__ = ("delegation",)
    DELEGATION_FIELD_NUMBER: _ClassVar[int]
    delegation: Delegation
    def __init__(self, delegation: _Optional[_Union[Delegation, _Mapping]] = ...) -> None: ...

class RevokeDelegationRequest(_message.Message):
    __slots__ = ("delegation_id", "reason")
    DELEGATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    delegation_id: str
    reason: str
    def __init__(self, delegation_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RevokeDelegationResponse(_message.Message):
    __slots__ = ("revoked_at",)
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class NameSubstituteRequest(_message.Message):
    __slots__ = ("holder_id", "substitute_id", "department_code", "valid_from", "valid_until")
    HOLDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    holder_id: str
    substitute_id: str
    department_code: str
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    def __init__(self, holder_id: _Optional[str] = ..., substitute_id: _Optional[str] = ..., department_code: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class NameSubstituteResponse(_message.Message):
    __slots__ = ("substitution_id",)
    SUBSTITUTION_ID_FIELD_NUMBER: _ClassVar[int]
    substitution_id: str
    def __init__(self, substitution_id: _Optional[str] = ...) -> None: ...

class EndSubstitutionRequest(_message.Message):
    __slots__ = ("substitution_id",)
    SUBSTITUTION_ID_FIELD_NUMBER: _ClassVar[int]
    substitution_id: str
    def __init__(self, substitution_id: _Optional[str] = ...) -> None: ...

class EndSubstitutionResponse(_message.Message):
    __slots__ = ("ended_at",)
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    ended_at: _timestamp_pb2.Timestamp
    def __init__(self, ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CheckGrantRequest(_message.Message):
    __slots__ = ("delegation_id", "substitution_id")
    DELEGATION_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTION_ID_FIELD_NUMBER: _ClassVar[int]
    delegation_id: str
    substitution_id: str
    def __init__(self, delegation_id: _Optional[str] = ..., substitution_id: _Optional[str] = ...) -> None: ...

class CheckGrantResponse(_message.Message):
    __slots__ = ("valid", "reason")
    VALID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    reason: str
    def __init__(self, valid: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class StaffAccount(_message.Message):
    __slots__ = ("id", "username", "display_name", "tier", "place_code", "department_code", "roles", "active")
    ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    id: str
    username: str
    display_name: str
    tier: str
    place_code: str
    department_code: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    active: bool
    def __init__(self, id: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., tier: _Optional[str] = ..., place_code: _Optional[str] = ..., department_code: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., active: _Optional[bool] = ...) -> None: ...

class CreateStaffRequest(_message.Message):
    __slots__ = ("username", "password", "display_name", "tier", "place_code", "department_code", "roles", "generate_password")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    GENERATE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    display_name: str
    tier: str
    place_code: str
    department_code: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    generate_password: bool
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ..., display_name: _Optional[str] = ..., tier: _Optional[str] = ..., place_code: _Optional[str] = ..., department_code: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., generate_password: _Optional[bool] = ...) -> None: ...

class CreateStaffResponse(_message.Message):
    __slots__ = ("staff", "initial_password")
    STAFF_FIELD_NUMBER: _ClassVar[int]
    INITIAL_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    staff: StaffAccount
    initial_password: str
    def __init__(self, staff: _Optional[_Union[StaffAccount, _Mapping]] = ..., initial_password: _Optional[str] = ...) -> None: ...

class SuspendStaffRequest(_message.Message):
    __slots__ = ("staff_id", "reason")
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    reason: str
    def __init__(self, staff_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SuspendStaffResponse(_message.Message):
    __slots__ = ("staff",)
    STAFF_FIELD_NUMBER: _ClassVar[int]
    staff: StaffAccount
    def __init__(self, staff: _Optional[_Union[StaffAccount, _Mapping]] = ...) -> None: ...

class RescopeStaffRequest(_message.Message):
    __slots__ = ("staff_id", "tier", "place_code", "department_code", "roles")
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    tier: str
    place_code: str
    department_code: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, staff_id: _Optional[str] = ..., tier: _Optional[str] = ..., place_code: _Optional[str] = ..., department_code: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ...) -> None: ...

class RescopeStaffResponse(_message.Message):
    __slots__ = ("staff",)
    STAFF_FIELD_NUMBER: _ClassVar[int]
    staff: StaffAccount
    def __init__(self, staff: _Optional[_Union[StaffAccount, _Mapping]] = ...) -> None: ...

class ListStaffRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "place_code", "role", "tier", "department_code")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PLACE_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    place_code: str
    role: str
    tier: str
    department_code: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., place_code: _Optional[str] = ..., role: _Optional[str] = ..., tier: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ListStaffResponse(_message.Message):
    __slots__ = ("staff", "next_page_token")
    STAFF_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    staff: _containers.RepeatedCompositeFieldContainer[StaffAccount]
    next_page_token: str
    def __init__(self, staff: _Optional[_Iterable[_Union[StaffAccount, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetStaffRequest(_message.Message):
    __slots__ = ("staff_id",)
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    def __init__(self, staff_id: _Optional[str] = ...) -> None: ...

class GetStaffResponse(_message.Message):
    __slots__ = ("staff",)
    STAFF_FIELD_NUMBER: _ClassVar[int]
    staff: StaffAccount
    def __init__(self, staff: _Optional[_Union[StaffAccount, _Mapping]] = ...) -> None: ...

class ReactivateStaffRequest(_message.Message):
    __slots__ = ("staff_id", "reason")
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    reason: str
    def __init__(self, staff_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReactivateStaffResponse(_message.Message):
    __slots__ = ("staff",)
    STAFF_FIELD_NUMBER: _ClassVar[int]
    staff: StaffAccount
    def __init__(self, staff: _Optional[_Union[StaffAccount, _Mapping]] = ...) -> None: ...

class ResetStaffPasswordRequest(_message.Message):
    __slots__ = ("staff_id",)
    STAFF_ID_FIELD_NUMBER: _ClassVar[int]
    staff_id: str
    def __init__(self, staff_id: _Optional[str] = ...) -> None: ...

class ResetStaffPasswordResponse(_message.Message):
    __slots__ = ("staff", "new_password")
    STAFF_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    staff: StaffAccount
    new_password: str
    def __init__(self, staff: _Optional[_Union[StaffAccount, _Mapping]] = ..., new_password: _Optional[str] = ...) -> None: ...

class ListDelegationsRequest(_message.Message):
    __slots__ = ("department_code", "page_size", "page_token")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    page_size: int
    page_token: str
    def __init__(self, department_code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDelegationsResponse(_message.Message):
    __slots__ = ("delegations", "next_page_token")
    DELEGATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    delegations: _containers.RepeatedCompositeFieldContainer[Delegation]
    next_page_token: str
    def __init__(self, delegations: _Optional[_Iterable[_Union[Delegation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSubstitutionsRequest(_message.Message):
    __slots__ = ("department_code", "page_size", "page_token")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    page_size: int
    page_token: str
    def __init__(self, department_code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSubstitutionsResponse(_message.Message):
    __slots__ = ("substitutions", "next_page_token")
    SUBSTITUTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    substitutions: _containers.RepeatedCompositeFieldContainer[Substitution]
    next_page_token: str
    def __init__(self, substitutions: _Optional[_Iterable[_Union[Substitution, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RegisterIntegrationClientRequest(_message.Message):
    __slots__ = ("name", "methods", "places", "subjects", "sandbox")
    NAME_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    PLACES_FIELD_NUMBER: _ClassVar[int]
    SUBJECTS_FIELD_NUMBER: _ClassVar[int]
    SANDBOX_FIELD_NUMBER: _ClassVar[int]
    name: str
    methods: _containers.RepeatedScalarFieldContainer[str]
    places: _containers.RepeatedScalarFieldContainer[str]
    subjects: _containers.RepeatedScalarFieldContainer[str]
    sandbox: bool
    def __init__(self, name: _Optional[str] = ..., methods: _Optional[_Iterable[str]] = ..., places: _Optional[_Iterable[str]] = ..., subjects: _Optional[_Iterable[str]] = ..., sandbox: _Optional[bool] = ...) -> None: ...

class RegisterIntegrationClientResponse(_message.Message):
    __slots__ = ("client_id", "client_secret")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    client_secret: str
    def __init__(self, client_id: _Optional[str] = ..., client_secret: _Optional[str] = ...) -> None: ...

class RequestCodeRequest(_message.Message):
    __slots__ = ("phone", "language")
    PHONE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    phone: str
    language: str
    def __init__(self, phone: _Optional[str] = ..., language: _Optional[str] = ...) -> None: ...

class RequestCodeResponse(_message.Message):
    __slots__ = ("expires_at",)
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerifyCodeRequest(_message.Message):
    __slots__ = ("phone", "code")
    PHONE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    phone: str
    code: str
    def __init__(self, phone: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class VerifyCodeResponse(_message.Message):
    __slots__ = ("access_token", "expires_at", "applicant_subject")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    APPLICANT_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    expires_at: _timestamp_pb2.Timestamp
    applicant_subject: str
    def __init__(self, access_token: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., applicant_subject: _Optional[str] = ...) -> None: ...
