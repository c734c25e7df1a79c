"""Recipients, consumed status changes and the notifications rendered from both (N1).

Events may arrive before the accepting tier registers the recipients, or after: each path
renders whatever (event, recipient) pairs still lack a notification, so nothing is lost and,
with the unique (event_id, role) key, nothing is told twice.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.db import mark_work, utcnow
from govnet_kit.errors import InvalidArgument
from govnet_kit.pii import lookup_hash
from notify.notification.models import (
    CHANNELS,
    DIRECT_ROLE,
    LANGUAGES,
    ROLES,
    CaseEvent,
    DeliveryStatus,
    Notification,
    Recipient,
)
from notify.notification.schemas import RecipientIn, StatusChange
from notify.notification.templates import render, render_direct

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
            rendered = render(
                status=event.status,
                channel=recipient.channel,
                language=recipient.language,
                case_number=case_number,
                tier=event.tier,
                deadline=event.deadline,
                result_document_number=event.result_document_number,
            )
            created.append(
                Notification(
                    event_id=event.event_id,
                    case_number=case_number,
                    role=recipient.role,
                    channel=recipient.channel,
                    language=recipient.language,
                    address=recipient.address,
                    address_hash=address_key(recipient.address),
                    template=rendered.template,
                    template_version=rendered.version,
                    subject=rendered.subject,
                    text=rendered.text,
                    # Due now: the delivery worker sends it once this transaction commits.
                    status=DeliveryStatus.CREATED,
                    next_attempt_at=utcnow(),
                )
            )
    session.add_all(created)
    await session.flush()
    if created:
        mark_work(session)  # the delivery worker sends them once this commits
        log.info("case %s: %d notification(s) created", case_number, len(created))
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


MAX_INBOX_PAGE = 200


def _page_token(n: Notification) -> str:
    return base64.urlsafe_b64encode(f"{n.created_at.isoformat()}|{n.id}".encode()).decode()


def _parse_page_token(token: str) -> tuple[datetime, str]:
    try:
        at, _, notification_id = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        created_at = datetime.fromisoformat(at)
    except ValueError:  # bad base64, bad UTF-8 or a bad timestamp
        raise InvalidArgument(
            "page_token is not one this service issued", field="page_token"
        ) from None
    if created_at.tzinfo is None or not notification_id:
        raise InvalidArgument("page_token is not one this service issued", field="page_token")
    return created_at, notification_id


def address_key(address: str) -> str:
    """The keyed hash the inbox finds an address by: the column itself is encrypted."""
    return lookup_hash(address.strip(), context="notification.address")


async def list_inbox(
    *, session: AsyncSession, address: str, page_size: int = 50, page_token: str = ""
) -> tuple[list[Notification], str]:
    """An in-app recipient's delivered notifications, newest first, and the next page's token."""
    address = address.strip()
    if not address:
        raise InvalidArgument("address is required", field="address")
    if len(address) > MAX_ADDRESS:
        raise InvalidArgument("address is too long", field="address")
    if page_size < 0 or page_size > MAX_INBOX_PAGE:
        raise InvalidArgument(f"page_size must be 0 to {MAX_INBOX_PAGE}", field="page_size")
    size = page_size or 50
    query = (
        select(Notification)
        .where(
            Notification.address_hash == address_key(address),
            Notification.channel == "in_app",
            Notification.status == DeliveryStatus.DELIVERED,
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(size + 1)
    )
    if page_token:
        created_at, last_id = _parse_page_token(page_token)
        query = query.where(
            or_(
                Notification.created_at < created_at,
                and_(Notification.created_at == created_at, Notification.id < last_id),
            )
        )
    rows = list((await session.scalars(query)).all())
    more = len(rows) > size
    rows = rows[:size]
    return rows, _page_token(rows[-1]) if more else ""


MAX_REFERENCE = 100


async def send_direct(
    *,
    session: AsyncSession,
    caller: str,
    channel: str,
    address: str,
    language: str,
    template: str,
    values: Mapping[str, str],
    reference: str,
) -> Notification:
    """One message to one address, not about a case (a sign-in code), due for the delivery
    worker at once. The same (caller, reference) again returns the first one: a retried call
    never sends twice."""
    if channel not in CHANNELS:
        raise InvalidArgument("channel must be sms, email or in_app", field="channel")
    address = address.strip()
    if not address:
        raise InvalidArgument("address is required", field="address")
    if len(address) > MAX_ADDRESS:
        raise InvalidArgument("address is too long", field="address")
    if not reference.strip() or len(reference) > MAX_REFERENCE:
        raise InvalidArgument(
            f"reference is required (at most {MAX_REFERENCE} characters)", field="reference"
        )
    key = f"{caller}:{reference}"
    existing = await session.scalar(select(Notification).where(Notification.reference == key))
    if existing is not None:
        return existing
    rendered = render_direct(name=template, channel=channel, language=language, values=values)
    notification = Notification(
        event_id=None,
        case_number="",
        reference=key,
        role=DIRECT_ROLE,
        channel=channel,
        language=language,
        address=address,
        address_hash=address_key(address),
        template=rendered.template,
        template_version=rendered.version,
        subject=rendered.subject,
        text=rendered.text,
        status=DeliveryStatus.CREATED,
        next_attempt_at=utcnow(),
    )
    session.add(notification)
    await session.flush()
    log.info("direct %s notification %s created for %s", template, notification.id, caller)
    return notification
