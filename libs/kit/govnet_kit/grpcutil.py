"""gRPC plumbing: the authenticating interceptor, error mapping, service tokens, channels."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
import uuid
from typing import TYPE_CHECKING

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit import access_log
from govnet_kit.auth import Principal, TokenVerifier, bearer
from govnet_kit.errors import (
    MESSAGE_ZH,
    Conflict,
    DomainError,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)

if TYPE_CHECKING:
    from govnet_kit.grants import RevokedGrants

log = logging.getLogger(__name__)

_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "govnet_principal", default=None
)

HEALTH_METHODS = frozenset(
    {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch", "/grpc.health.v1.Health/List"}
)


_BY_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.FAILED_PRECONDITION: Conflict,
}


def domain_error(exc: grpc.aio.AioRpcError) -> DomainError:
    """A relayed call's error as the domain error it was, with both languages (rule 11)."""
    zh = ""
    for key, value in exc.trailing_metadata() or ():
        if key == MESSAGE_ZH:
            zh = value.decode() if isinstance(value, bytes) else str(value)
    cls = _BY_STATUS.get(exc.code(), Unavailable)
    message = exc.details() or exc.code().name
    if cls is Unavailable:
        return Unavailable(
            f"upstream service: {message}", message_zh="上级服务暂时不可用，请稍后再试"
        )
    # "field: message", as the interceptor writes it: keep the field for the caller.
    field, sep, rest = message.partition(": ")
    if sep and field and " " not in field:
        return cls(rest, message_zh=zh or rest, field=field)
    return cls(message, message_zh=zh or message)


def current_principal() -> Principal:
    principal = _principal.get()
    if principal is None:
        raise Unauthenticated("no caller", message_zh="未认证")
    return principal


class AuthInterceptor(grpc.aio.ServerInterceptor):
    """Every RPC is authenticated unless listed public; domain errors become statuses (rule 11)."""

    def __init__(
        self,
        verifier: TokenVerifier,
        public_methods: frozenset[str] = frozenset(),
        sessions: async_sessionmaker[AsyncSession] | None = None,
        revocations: RevokedGrants | None = None,
    ):
        self._verifier = verifier
        self._public = public_methods | HEALTH_METHODS
        self._sessions = sessions
        self._revocations = revocations

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler  # streaming RPCs: only the public health Watch exists
        method = handler_call_details.method
        metadata = dict(handler_call_details.invocation_metadata or ())
        public = method in self._public
        verifier = self._verifier
        inner = handler.unary_unary

        sessions = self._sessions
        revocations = self._revocations

        async def behavior(request, context: grpc.aio.ServicerContext):  # type: ignore[no-untyped-def]
            principal: Principal | None = None
            owed: access_log.Served | None = None  # the cross-tier log's entry of this call
            token = bearer(metadata.get("authorization"))
            case_number = metadata.get(access_log.CASE, "")
            facts = {
                "method": method,
                "acting_user": metadata.get(access_log.ACTING_USER, ""),
                "represented_party": metadata.get(access_log.REPRESENTED_PARTY, ""),
            }
            try:
                if token:
                    principal = await verifier.principal(token)
                    if revocations is not None:  # a session ended by a suspension or reset
                        revocations.check_session(principal)
                    principal.require_method(method)
                elif not public:
                    raise Unauthenticated("missing bearer token", message_zh="缺少访问令牌")
                reset = _principal.set(principal)
                if principal is not None and principal.kind == "service":
                    owed = access_log.Served(principal.subject, case_number, facts)
                expected = access_log.expect(owed)
                try:
                    response = await inner(request, context)
                finally:
                    _principal.reset(reset)
                    access_log.forget(expected)
            except DomainError as exc:
                if isinstance(exc, Unauthenticated | PermissionDenied):
                    await access_log.record(
                        sessions,
                        actor=principal.subject if principal else "anonymous",
                        action="access.refused",
                        case_number=case_number,
                        data={**facts, "channel": "grpc", "reason": exc.message},
                    )
                detail = f"{exc.field}: {exc.message}" if exc.field else exc.message
                # The Chinese text travels as binary trailing metadata (gRPC text is ASCII).
                await context.abort(
                    exc.grpc_status,
                    detail,
                    trailing_metadata=((MESSAGE_ZH, exc.message_zh.encode()),),
                )
            except Exception:
                if context.code() is not None:  # already aborted with a status: keep it
                    raise
                reference = uuid.uuid4().hex[:12]
                log.exception("unexpected error %s in %s", reference, method)
                await context.abort(
                    grpc.StatusCode.INTERNAL,
                    f"internal error, reference {reference}",
                    trailing_metadata=(
                        (MESSAGE_ZH, f"系统内部错误，参考编号 {reference}".encode()),
                    ),
                )
            if owed is not None and not owed.recorded:
                # The cross-tier message log: who called what, for which case, with what outcome
                # (unless the servicer's own transaction recorded it with the work).
                await access_log.record(
                    sessions,
                    actor=owed.actor,
                    action="rpc.served",
                    case_number=case_number,
                    data={**facts, "outcome": "ok"},
                )
            return response

        return grpc.unary_unary_rpc_method_handler(
            behavior,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


# A case travels up with its materials in one message (decision 1): scans of up to 20 MiB each.
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
MESSAGE_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]
# After an outage (an edge node's link, a restarted tier) the channel retries its connection
# with exponential backoff, by default up to 120 s apart, and a call waits for the next try:
# 5 s at most keeps the first call after the link returns from waiting minutes.
MAX_RECONNECT_BACKOFF_MS = 5000
CHANNEL_OPTIONS = [*MESSAGE_OPTIONS, ("grpc.max_reconnect_backoff_ms", MAX_RECONNECT_BACKOFF_MS)]


def channel(target: str, credentials: grpc.ChannelCredentials | None = None) -> grpc.aio.Channel:
    """A client channel that carries the trace context (OTel interceptors); TLS if given."""
    if credentials is not None:
        return grpc.aio.secure_channel(
            target, credentials, options=CHANNEL_OPTIONS, interceptors=aio_client_interceptors()
        )
    return grpc.aio.insecure_channel(
        target, options=CHANNEL_OPTIONS, interceptors=aio_client_interceptors()
    )


class ServiceTokenSource:
    """This service's own access token from identity, cached until shortly before it expires."""

    def __init__(
        self,
        identity_target: str,
        client_id: str,
        client_secret: str,
        credentials: grpc.ChannelCredentials | None = None,
    ):
        self._client_id = client_id
        self._secret = client_secret
        self._channel = channel(identity_target, credentials)
        self._stub = identity_pb2_grpc.IdentityServiceStub(self._channel)
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if time.time() > self._expires - 60:
                resp = await self._stub.IssueServiceToken(
                    identity_pb2.IssueServiceTokenRequest(
                        client_id=self._client_id, client_secret=self._secret
                    ),
                    timeout=5.0,
                )
                self._token = resp.access_token
                self._expires = resp.expires_at.ToSeconds()
            return self._token

    async def metadata(
        self, *, case_number: str = "", acting_user: str = "", represented_party: str = ""
    ) -> tuple[tuple[str, str], ...]:
        """The service's own token, and who and what the call is about (the exchange log)."""
        return (("authorization", f"Bearer {await self.token()}"),) + access_log.exchange_metadata(
            case_number=case_number, acting_user=acting_user, represented_party=represented_party
        )

    async def close(self) -> None:
        await self._channel.close()


def bearer_metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)
