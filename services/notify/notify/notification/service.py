"""Recipients, consumed status changes and the notifications rendered from both (N1).

Events may arrive before the accepting tier registers the recipients, or after: each path
renders whatever (event, recipient) pairs still lack a notification, so nothing is lost and,
with the unique (event_id, role) key, nothing is told twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.errors import InvalidArgument
from notify.notification.models import (
    CHANNELS,
    LANGUAGES,
    ROLES,
    CaseEvent,
    Notification,
    Recipient,
)
from notify.notification.schemas import RecipientIn, StatusChange
from notify.notification.templates import render

log = logging.getLogger(__name__)

MAX_CASE_NUMBER = 64
MAX_ADDRESS = 254
# First key of PostgreSQL's two-key advisory locks taken here, so they meet no other lock space.
_LOCK_SPACE = 0x6E6F7469  # "noti"


async def _lock_case(session: AsyncSession, case_number: str) -> None:
    """Serialise the event path and the registration path for one case until commit.

    Without it, under READ COMMITTED a registration and an event committing at the same moment
    would each miss the other's row. SQLite needs no lock: it has one writer, and both paths
    write before they read the other side.
    """
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.execute(
            select(func.pg_advisory_xact_lock(_LOCK_SPACE, func.hashtext(case_number)))
        )


def _validate_registration(case_number: str, recipients: Sequence[RecipientIn]) -> None:
    if not case_number.strip():
        raise InvalidArgument("case_number is required", field="case_number")
    if len(case_number) > MAX_CASE_NUMBER:
        raise InvalidArgument("case_number is too long", field="case_number")
    if not recipients:
        raise InvalidArgument("at least one recipient is required", field="recipients")
    seen: set[str] = set()
    for i, r in enumerate(recipients):
        at = f"recipients[{i}]"
        if r.role not in ROLES:
            raise InvalidArgument("role must be applicant or agent", field=f"{at}.role")
        if r.role in seen:
            raise InvalidArgument(f"role {r.role} is given twice", field=f"{at}.role")
        seen.add(r.role)
        if r.channel not in CHANNELS:
            raise InvalidArgument("channel must be sms, email or in_app", field=f"{at}.channel")
        if r.language not in LANGUAGES:
            raise InvalidArgument("language must be zh or en", field=f"{at}.language")
        if not r.address.strip():
            raise InvalidArgument("address is required", field=f"{at}.address")
        if len(r.address.strip()) > MAX_ADDRESS:
            raise InvalidArgument("address is too long", field=f"{at}.address")


async def _render_missing(session: AsyncSession, *, case_number: str) -> list[Notification]:
    """Create the notifications the case's stored events still owe its recipients."""
    events = (
        await session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_number == case_number)
            .order_by(CaseEvent.occurred_at, CaseEvent.event_id)
        )
    ).all()
    recipients = (
        await session.scalars(
            select(Recipient).where(Recipient.case_number == case_number).order_by(Recipient.role)
        )
    ).all()
    if not events or not recipients:
        return []
    told = {
        (event_id, role)
        for event_id, role in await session.execute(
            select(Notification.event_id, Notification.role).where(
                Notification.case_number == case_number
            )
        )
    }
    created: list[Notification] = []
    for event in events:
        for recipient in recipients:
            if (event.event_id, recipient.role) in told:
                continue
            created.append(
                Notification(
                    event_id=event.event_id,
                    case_number=case_number,
                    role=recipient.role,
                    channel=recipient.channel,
                    language=recipient.language,
                    address=recipient.address,
                    text=render(
                        status=event.status,
                        language=recipient.language,
                        case_number=case_number,
                        tier=event.tier,
                        deadline=event.deadline,
                        result_document_number=event.result_document_number,
                    ),
                )
            )
    session.add_all(created)
    await session.flush()
    if created:
        log.info("case %s: %d notification(s) stored", case_number, len(created))
    return created


async def record_status_change(
    *, session: AsyncSession, change: StatusChange
) -> list[Notification]:
    """Keep the event's facts (once) and tell every registered recipient not yet told."""
    await _lock_case(session, change.case_number)
    if await session.get(CaseEvent, change.event_id) is None:
        session.add(
            CaseEvent(
                event_id=change.event_id,
                case_number=change.case_number,
                status=change.status,
                tier=change.tier,
                place_code=change.place_code,
                result_document_number=change.result_document_number,
                deadline=change.deadline,
                occurred_at=change.occurred_at,
            )
        )
        await session.flush()
    return await _render_missing(session, case_number=change.case_number)


async def register_recipients(
    *, session: AsyncSession, case_number: str, recipients: Sequence[RecipientIn]
) -> int:
    """Upsert the case's recipients by role, then tell them of the events already stored."""
    _validate_registration(case_number, recipients)
    await _lock_case(session, case_number)
    existing = {
        r.role: r
        for r in await session.scalars(
            select(Recipient).where(Recipient.case_number == case_number)
        )
    }
    for r in recipients:
        row = existing.get(r.role)
        if row is None:
            row = Recipient(case_number=case_number, role=r.role)
            session.add(row)
        row.channel = r.channel
        row.language = r.language
        row.address = r.address.strip()
    await session.flush()
    await _render_missing(session, case_number=case_number)
    return len(recipients)


async def list_notifications(*, session: AsyncSession, case_number: str) -> list[Notification]:
    if not case_number.strip():
        raise InvalidArgument("case_number is required", field="case_number")
    return list(
        (
            await session.scalars(
                select(Notification)
                .join(CaseEvent, CaseEvent.event_id == Notification.event_id)
                .where(Notification.case_number == case_number)
                .order_by(Notification.created_at, CaseEvent.occurred_at, Notification.role)
            )
        ).all()
    )
