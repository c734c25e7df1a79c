"""Who may act on a room's records: its own village staff; the township for the published rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from govnet_kit.auth import Principal
from govnet_kit.worktime import WorkCalendar

PLACE_CODE = r"^\d{12}$"

PlaceCode = Annotated[
    str, Path(pattern=PLACE_CODE, description="the village's 12-digit division code")
]


def township_of(place_code: str) -> str:
    """The township a village belongs to: the first nine digits, then 000."""
    return place_code[:9] + "000"


def require_village_staff(principal: Principal, place_code: str) -> None:
    principal.require_staff(tier="village")
    principal.require_place(place_code)


def require_township_staff(principal: Principal, place_code: str) -> None:
    """Staff of the township hall the village belongs to (they set the room's rules)."""
    principal.require_staff(tier="town")
    principal.require_place(township_of(place_code))


def calendar_of(runtime) -> WorkCalendar:  # type: ignore[no-untyped-def]
    """The working-day calendar with the years the administrator has confirmed (decision 6)."""
    return WorkCalendar(confirmed_years=runtime.settings.confirmed_calendar_years)
