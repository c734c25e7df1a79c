"""The clock and calendar bookings are checked against, and who may act on a booking."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends

from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import PermissionDenied
from govnet_kit.worktime import WorkCalendar

_CALENDAR = WorkCalendar()


def clock() -> datetime:
    """Now; tests override this dependency to drive time instead of sleeping."""
    return utcnow()


def calendar() -> WorkCalendar:
    return _CALENDAR


Now = Annotated[datetime, Depends(clock)]
Calendar = Annotated[WorkCalendar, Depends(calendar)]


def is_applicant(principal: Principal) -> bool:
    return principal.kind == "applicant" and principal.subject.startswith("applicant:")


def require_applicant(principal: Principal) -> None:
    if not is_applicant(principal):
        raise PermissionDenied("applicants only", message_zh="仅限申请人本人")


def require_window(principal: Principal, department_code: str) -> None:
    """City staff of the item's department, or of the center itself (no department)."""
    principal.require_staff(tier="city")
    if principal.department_code and principal.department_code != department_code:
        raise PermissionDenied("another department's appointments", message_zh="非本部门事项的预约")


def actor(principal: Principal) -> str:
    return principal.subject if is_applicant(principal) else f"staff:{principal.subject}"
