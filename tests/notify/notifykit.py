"""What notify's tests share: a clock tests move by hand, the SMTP server's mailbox, and
helpers that make notifications the way the edges do (one transaction per RPC or message)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.common.v1 import case_pb2
from govnet_kit.db import Base, transaction
from notify import models  # noqa: F401 - registers every table
from notify.notification import service
from notify.notification.models import Notification
from notify.notification.schemas import RecipientIn, StatusChange

Sessions = async_sessionmaker[AsyncSession]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- time --------------------------------------------------------------------------------------


class FakeClock:
    """Now, as the worker sees it; sleeping moves it on at once instead of waiting."""

    def __init__(self, start: datetime | None = None):
        # Ahead of the wall clock by more than a loaded machine takes to set a test up, so what
        # the test stores (at wall-clock time) is due when the worker looks.
        self.now = start or datetime.now(UTC) + timedelta(seconds=30)
        self.slept = timedelta()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        self.slept += timedelta(seconds=seconds)
        await asyncio.sleep(0)


# -- SMTP --------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """An aiosmtpd handler: keeps what it accepts. `bounce@...` is refused for good (550),
    `busy@...` for now (451)."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.startswith("bounce@"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("busy@"):
            return "451 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def by_notification(self, notification_id: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Govnet-Notification"] == notification_id]


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox


# -- making notifications ----------------------------------------------------------------------


def change(
    case_number: str,
    status: int = case_pb2.CASE_STATUS_ACCEPTED,
    *,
    occurred_at: datetime | None = None,
) -> StatusChange:
    return StatusChange(
        event_id=str(uuid.uuid4()),
        case_number=case_number,
        status=status,
        tier=case_pb2.TIER_VILLAGE,
        place_code="341102101201",
        result_document_number="",
        deadline=None,
        occurred_at=occurred_at or datetime.now(UTC),
    )


def case_number(i: int = 1) -> str:
    return f"341102101201-20250609-{i:04d}"


async def notify_case(
    sessions: Sessions, case: str, *recipients: RecipientIn, events: int = 1
) -> list[Notification]:
    """Register the recipients, then consume `events` status changes of the case."""
    async with transaction(sessions) as session:
        await service.register_recipients(
            session=session, case_number=case, recipients=list(recipients)
        )
    base = datetime.now(UTC)
    for i in range(events):
        async with transaction(sessions) as session:
            await service.record_status_change(
                session=session, change=change(case, occurred_at=base + timedelta(seconds=i))
            )
    return await notifications_of(sessions, case)


async def notifications_of(sessions: Sessions, case: str | None = None) -> list[Notification]:
    async with sessions() as session:
        query = select(Notification).order_by(Notification.created_at, Notification.id)
        if case is not None:
            query = query.where(Notification.case_number == case)
        return list((await session.scalars(query)).all())


async def count(sessions: Sessions, model: type[Base]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def sms(phone: str, role: str = "applicant", language: str = "zh") -> RecipientIn:
    return RecipientIn(role=role, channel="sms", language=language, address=phone)


def email(address: str, role: str = "applicant", language: str = "en") -> RecipientIn:
    return RecipientIn(role=role, channel="email", language=language, address=address)


def in_app(account: str, role: str = "agent", language: str = "zh") -> RecipientIn:
    return RecipientIn(role=role, channel="in_app", language=language, address=account)
