"""The one interface every channel implements: send a rendered message, say what happened.

A channel never raises for a delivery problem: it classifies it. `TEMPORARY_FAILURE` means the
recipient cannot take it now (phone off, mailbox full) and `TECHNICAL_FAILURE` that we or the
provider failed (unreachable, timeout, 5xx); both are retried. `PERMANENT_FAILURE` means it
can never arrive (no such number or mailbox) and is given up at once. A provider that confirms
delivery later by receipt answers `SENDING`; a receipt edge would then finish the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from notify.notification.models import DeliveryStatus


@dataclass(frozen=True)
class Message:
    notification_id: str  # also the idempotency reference handed to providers
    attempt: int  # 1 for the first attempt
    address: str
    language: str
    subject: str | None
    text: str


@dataclass(frozen=True)
class Result:
    status: DeliveryStatus
    reference: str | None = None  # the provider's id of the message
    detail: str = ""


class Channel(Protocol):
    name: str

    async def send(self, message: Message) -> Result: ...
