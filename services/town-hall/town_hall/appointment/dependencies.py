"""The clock and calendar the book is checked against; tests override the clock to drive time
instead of sleeping."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from govnet_kit.db import utcnow
from govnet_kit.web import get_runtime
from govnet_kit.worktime import WorkCalendar


def clock() -> datetime:
    return utcnow()


def calendar(request: Request) -> WorkCalendar:
    """Working days, with the years whose official schedule the administrator confirmed."""
    return WorkCalendar(confirmed_years=get_runtime(request).settings.confirmed_calendar_years)


Now = Annotated[datetime, Depends(clock)]
Calendar = Annotated[WorkCalendar, Depends(calendar)]
