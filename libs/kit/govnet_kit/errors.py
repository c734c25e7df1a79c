"""Domain exceptions, raised inside services and mapped once per edge (HTTP, gRPC, NATS)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import grpc

from govnet_kit import access_log

if TYPE_CHECKING:
    # Only the HTTP edge needs FastAPI; services, models and commands such as `migrate`
    # import these errors without loading the web framework.
    from fastapi import FastAPI, Request

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")  # govnet_kit.worktime's, without importing the calendar
# The gRPC trailer that carries a domain error's Chinese message (govnet_kit.grpcutil).
MESSAGE_ZH = "govnet-message-zh-bin"


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


class HeldByOther(Conflict):
    """Two people acted on one case at once, or one acted on a case another holds (issue 7):
    the answer names who holds it, at which step and since when, not a bare "conflict".
    Built by `govnet_kit.holders.held_by`, the same at every tier."""

    code = "held_by_other"

    def __init__(
        self,
        *,
        case_number: str,
        staff_id: str,
        display_name: str,
        step: str,
        step_zh: str,
        since: datetime | None,
        field: str = "holder",
    ):
        local = since.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if since else ""
        who_en = f"{display_name} (staff {staff_id})" if display_name else f"staff {staff_id}"
        who_zh = f"{display_name}（工号 {staff_id}）" if display_name else f"工作人员 {staff_id}"
        if not staff_id:  # the applicant or the system, never a person's id or number
            who_en = who_zh = display_name
        super().__init__(
            f"case {case_number} is held by {who_en}: {step}"
            + (f" since {local} (Beijing time)" if local else ""),
            message_zh=f"办件 {case_number} 已由{who_zh}办理：{step_zh}"
            + (f"（自 {local} 起）" if local else ""),
            field=field,
        )
        self.holder: dict[str, object] = {
            "staff_id": staff_id,
            "display_name": display_name,
            "step": step,
            "step_zh": step_zh,
            "since": since.isoformat() if since else None,
        }

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "holder": self.holder}


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


async def record_refusal(request: Request, reason: str) -> None:
    """An HTTP request refused for who sent it (JSON API or page), in the access log."""
    # An app without a database (a page kit's own test) has nowhere to record it.
    sessions = getattr(getattr(request.app.state, "runtime", None), "sessions", None)
    principal = getattr(request.state, "principal", None)
    await access_log.record(
        sessions,
        actor=principal.subject if principal else "anonymous",
        action="access.refused",
        data={
            "channel": "http",
            "method": request.method,
            "path": request.url.path,
            "reason": reason,
        },
    )


def install_http_handlers(app: FastAPI) -> None:
    from fastapi.responses import JSONResponse

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, Unauthenticated | PermissionDenied):
            await record_refusal(request, exc.message)
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
