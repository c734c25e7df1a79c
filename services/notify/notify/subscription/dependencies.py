"""Who may subscribe: integration clients (A3), by the access token identity issued them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from govnet_kit.auth import Principal
from govnet_kit.errors import PermissionDenied
from govnet_kit.web import CurrentPrincipal


async def subscriber(principal: CurrentPrincipal) -> Principal:
    if principal.kind != "integration":
        raise PermissionDenied(
            "event subscriptions are for integration clients",
            message_zh="事件订阅仅限接入系统使用",
        )
    return principal


Subscriber = Annotated[Principal, Depends(subscriber)]
