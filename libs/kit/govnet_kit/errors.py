"""Domain exceptions, raised inside services and mapped once per edge (HTTP, gRPC, NATS)."""

from __future__ import annotations

import logging
import uuid

import grpc
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from govnet_kit import access_log

log = logging.getLogger(__name__)


class DomainError(Exception):
    http_status = 400
    grpc_status = grpc.StatusCode.FAILED_PRECONDITION
    code = "domain_error"

    def __init__(self, message: str, *, message_zh: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh or message
        self.field = field

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
        }
        if self.field:
            body["field"] = self.field
        return body


class InvalidArgument(DomainError):
    http_status = 422
    grpc_status = grpc.StatusCode.INVALID_ARGUMENT
    code = "invalid_argument"


class NotFound(DomainError):
    http_status = 404
    grpc_status = grpc.StatusCode.NOT_FOUND
    code = "not_found"


class Conflict(DomainError):
    http_status = 409
    grpc_status = grpc.StatusCode.FAILED_PRECONDITION
    code = "conflict"


class Unauthenticated(DomainError):
    http_status = 401
    grpc_status = grpc.StatusCode.UNAUTHENTICATED
    code = "unauthenticated"


class PermissionDenied(DomainError):
    http_status = 403
    grpc_status = grpc.StatusCode.PERMISSION_DENIED
    code = "permission_denied"


class ResourceExhausted(DomainError):
    http_status = 429
    grpc_status = grpc.StatusCode.RESOURCE_EXHAUSTED
    code = "too_many_attempts"


class Unavailable(DomainError):
    http_status = 503
    grpc_status = grpc.StatusCode.UNAVAILABLE
    code = "unavailable"


def install_http_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, Unauthenticated | PermissionDenied):
            runtime = getattr(request.app.state, "runtime", None)
            principal = getattr(request.state, "principal", None)
            await access_log.record(
                runtime.sessions if runtime else None,
                actor=principal.subject if principal else "anonymous",
                action="access.refused",
                data={
                    "channel": "http",
                    "method": request.method,
                    "path": request.url.path,
                    "reason": exc.message,
                },
            )
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        if getattr(exc, "retry_after", None):
            headers = {"Retry-After": str(exc.retry_after)}  # type: ignore[attr-defined]
        return JSONResponse(status_code=exc.http_status, content=exc.to_dict(), headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The cause goes to the log under a reference the user can quote; never into the reply.
        reference = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s on %s %s", reference, request.method, request.url.path)
        return JSONResponse(
            status_code=500,
            content={
                "code": "internal",
                "message": f"internal error, reference {reference}",
                "message_zh": f"系统内部错误，参考编号 {reference}",
                "reference": reference,
            },
        )
