"""After the commit of a staff account change."""

from __future__ import annotations

import asyncio
from datetime import datetime

from govnet_kit.db import utcnow


async def after_sessions_ended(ended_at: datetime | None) -> None:
    """Wait out the second the sessions were ended in before answering. Tokens carry `iat` in
    whole seconds, and a token of that second is refused (it may predate the end); so a
    sign-in must not get one. Nobody signs in with a reset password before this answer gives
    it, nor into a suspended account before a later reactivation, so every new token is
    issued in a later second and passes. (identity's replicas share an NTP-synchronised clock.)
    """
    if ended_at is None:
        return
    remaining = int(ended_at.timestamp()) + 1 - utcnow().timestamp()
    if remaining > 0:
        await asyncio.sleep(remaining)
