"""Who may watch the clocks (supervisors, within their jurisdiction) and the clock the edges
read; tests override `clock` to drive time instead of sleeping."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends

from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import PermissionDenied
from govnet_kit.web import CurrentPrincipal


def clock() -> datetime:
    return utcnow()


Now = Annotated[datetime, Depends(clock)]


def jurisdiction(place_code: str) -> str:
    """The division-code prefix a place governs: 341100000000 -> 3411 (the city and all below
    it), 341102000000 -> 341102, 341102101000 -> 341102101 (levels of 2-2-2-3-3 digits)."""
    for keep, tail in ((2, 10), (4, 8), (6, 6), (9, 3)):
        if len(place_code) == 12 and place_code[keep:] == "0" * tail:
            return place_code[:keep]
    return place_code


async def supervisor(principal: CurrentPrincipal) -> Principal:
    if principal.kind != "staff" or not principal.has_role("supervisor"):
        raise PermissionDenied("supervisors only", message_zh="仅限电子监察人员")
    return principal


Supervisor = Annotated[Principal, Depends(supervisor)]


def scoped_place(principal: Principal, place: str | None) -> str:
    """The place prefix to filter by: the one asked for, if inside the supervisor's own
    jurisdiction (A2); else the whole jurisdiction."""
    own = jurisdiction(principal.place_code) if principal.place_code else ""
    if not place:
        return own
    if not place.startswith(own):
        raise PermissionDenied(
            f"place {place} is outside your jurisdiction ({own})",
            message_zh=f"地区{place}不在您的监察范围内",
            field="place",
        )
    return place
