from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ClockOut(BaseModel):
    case_number: str
    tier: str
    place_code: str
    origin_place_code: str
    department_code: str
    item_code: str
    item_version: int
    window_id: str
    status: str
    state: str
    suspended: bool
    deadline: datetime | None
    overdue: bool
    responsible_staff_id: str
    reason_code: str
    flag: str
    outcome: str
    handled_at: datetime | None
    on_time: bool | None
    warned: list[str]
    last_event_at: datetime


class WarningOut(BaseModel):
    case_number: str
    tier: str
    kind: str
    staff_id: str
    place_code: str
    department_code: str
    deadline: datetime | None
    status: str
    attempts: int
    raised_at: datetime
    sent_at: datetime | None


class ChainOut(BaseModel):
    service: str
    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str | None
    checked_at: datetime
