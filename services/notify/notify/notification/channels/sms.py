"""SMS through a provider adapter, and the test provider that simulates outcomes by number.

The test provider never sends anything. Like GOV.UK Notify's test keys, the phone number
decides what happens, so every outcome can be reproduced on purpose:

| mainland mobile number (11 digits, `1[3-9]...`, `+86` allowed) ending in | outcome |
|---|---|
| `0002` | permanent-failure (no such subscriber) |
| `0003` | temporary-failure, every attempt (phone switched off) |
| `0004` | technical-failure, every attempt (provider error) |
| `0005` | temporary-failure on attempts 1 and 2, delivered from attempt 3 |
| `0009` | no answer: the provider hangs until the channel's timeout (technical-failure) |
| anything else | delivered |

Anything that is not a mainland mobile number is a permanent-failure (invalid number).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Protocol

from notify.notification.channels.base import Message, Result
from notify.notification.models import DeliveryStatus

MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


class SmsProvider(Protocol):
    async def send_sms(self, *, to: str, text: str, reference: str, attempt: int) -> Result: ...


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    reference: str
    attempt: int


@dataclass
class TestSmsProvider:
    """Deterministic outcomes by number (module doc); `latency` simulates a slow provider."""

    __test__ = False  # not a pytest class, despite the name

    latency: float = 0.0
    sent: list[SentSms] = field(default_factory=list)  # what would have reached a phone

    async def send_sms(self, *, to: str, text: str, reference: str, attempt: int) -> Result:
        number = MOBILE.match(to)
        if number is None:
            return Result(DeliveryStatus.PERMANENT_FAILURE, detail="invalid mobile number")
        if self.latency:
            await asyncio.sleep(self.latency)
        suffix = number.group(1)[-4:]
        if suffix == "0009":
            await asyncio.Event().wait()  # never answers
        if suffix == "0002":
            return Result(DeliveryStatus.PERMANENT_FAILURE, detail="no such subscriber")
        if suffix == "0003" or (suffix == "0005" and attempt < 3):
            return Result(DeliveryStatus.TEMPORARY_FAILURE, detail="phone switched off")
        if suffix == "0004":
            return Result(DeliveryStatus.TECHNICAL_FAILURE, detail="provider error 500")
        self.sent.append(SentSms(to=to, text=text, reference=reference, attempt=attempt))
        return Result(DeliveryStatus.DELIVERED, reference=f"test-sms-{reference}-{attempt}")


class NoSmsProvider:
    """No provider configured: every SMS fails loudly, is retried, then alerts."""

    async def send_sms(self, *, to: str, text: str, reference: str, attempt: int) -> Result:
        return Result(DeliveryStatus.TECHNICAL_FAILURE, detail="no SMS provider configured")


class SmsChannel:
    name = "sms"

    def __init__(self, provider: SmsProvider, *, timeout: float = 10.0):
        self._provider = provider
        self._timeout = timeout

    async def send(self, message: Message) -> Result:
        try:
            return await asyncio.wait_for(
                self._provider.send_sms(
                    to=message.address.strip(),
                    text=message.text,
                    reference=message.notification_id,
                    attempt=message.attempt,
                ),
                timeout=self._timeout,
            )
        except TimeoutError:
            return Result(
                DeliveryStatus.TECHNICAL_FAILURE, detail=f"no answer in {self._timeout:g} s"
            )
