"""What identity's gRPC edges share (rule 4: parse, call one service function, convert): the
runtime, signer and settings, and the conversions of times and page tokens. Each domain's
servicer adds its RPCs; `identity.staff.servicer.IdentityServicer` puts them together."""

from __future__ import annotations

import base64
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from govnet.identity.v1 import identity_pb2_grpc
from govnet_kit.cases import ts
from govnet_kit.errors import InvalidArgument
from govnet_kit.runtime import Runtime
from identity.applicant.flows import CodeSender
from identity.config import IdentitySettings
from identity.tokens import Signer


def ts_seconds(seconds: int) -> Timestamp:
    return Timestamp(seconds=seconds)


def page_token(last: str) -> str:
    """Opaque to callers: the last user name (or id) of the page, base64url."""
    return base64.urlsafe_b64encode(last.encode()).decode().rstrip("=")


def after(token: str) -> str:
    if not token:
        return ""
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument(
            "page_token is not one this service gave",
            message_zh="分页标记无效",
            field="page_token",
        ) from exc


def page_size(requested: int, largest: int, default: int) -> int:
    size = requested or default
    if not 0 < size <= largest:
        raise InvalidArgument(
            f"page_size must be 1 to {largest}",
            message_zh=f"每页条数须为1至{largest}",
            field="page_size",
        )
    return size


def when(value: datetime | None) -> Timestamp | None:
    return ts(value) if value is not None else None


class IdentityRpcs(identity_pb2_grpc.IdentityServiceServicer):
    """The state every part of IdentityService works with."""

    def __init__(self, runtime: Runtime, signer: Signer, codes: CodeSender | None = None):
        self._rt = runtime
        self._signer = signer
        self._settings: IdentitySettings = runtime.settings  # type: ignore[assignment]
        self._codes = codes or CodeSender(
            runtime, signer, notify_target=self._settings.notify_grpc_target
        )
