"""A material's scan as the JSON APIs take it (L1): base64, decoded strictly, at most 20 MiB.

One rule for every tier, so a scan accepted at the village is never refused further up."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import BeforeValidator

MAX_SCAN_BYTES = 20 * 1024 * 1024


def _strict_base64(value: object) -> bytes:
    """Strict: a damaged upload is an error, not a silently different file."""
    if not isinstance(value, str):
        raise ValueError("must be a base64 string")
    try:
        content = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not valid base64") from exc
    if len(content) > MAX_SCAN_BYTES:
        raise ValueError(f"larger than {MAX_SCAN_BYTES // (1024 * 1024)} MiB")
    return content


StrictBase64 = Annotated[bytes, BeforeValidator(_strict_base64)]
