"""Typed inputs of the notification service functions, built by the edges from the contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecipientIn:
    role: str  # models.ROLES, or "" when the caller left it unspecified
    channel: str  # models.CHANNELS, or ""
    language: str
    address: str


@dataclass(frozen=True)
class StatusChange:
    """The thin facts of one CaseStatusChanged event that a notification text needs."""

    event_id: str
    case_number: str
    status: int
    tier: int
    place_code: str
    result_document_number: str
    deadline: datetime | None
    occurred_at: datetime
