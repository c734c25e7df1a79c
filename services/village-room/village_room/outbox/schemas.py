"""The outbox as staff read it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class OutboxItemOut(BaseModel):
    id: str
    kind: str
    case_number: str
    state: str  # waiting | needs_fixing
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    needs_fixing_at: datetime | None
    reason: str
    reason_zh: str
    field: str | None
    message: str | None
    message_zh: str | None


class OutboxOut(BaseModel):
    place_code: str
    waiting: list[OutboxItemOut]
    needs_fixing: list[OutboxItemOut]
