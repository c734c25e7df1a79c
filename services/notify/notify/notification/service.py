"""Recipients, consumed status changes and the notifications rendered from both (N1).

Events may arrive before the accepting tier registers the recipients, or after: each path
renders whatever (event, recipient) pairs still lack a notification, so nothing is lost and,
with the unique (event_id, role) key, nothing is told twice.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, insert, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.db import mark_work, new_id, utcnow
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


async def _lock_cases(session: AsyncSession, case_numbers: Collection[str]) -> None:
    """Serialise the event path and the registration path for these cases until commit.

    Without it, under READ COMMITTED a registration and an event committing at the same moment
    would each miss the other's row. A batch takes its cases' locks in one statement, in the
    order of their keys, so two batches sharing cases never wait on each other in a circle
    (two case numbers may share a key: it is locked once). SQLite needs no lock: it has one
    writer, and both paths write before they read the other side.
    """
    bind = session.bind
    if bind is None or bind.dialect.name != "postgresql" or not case_numbers:
        return
    if len(case_numbers) == 1:
        [case_number] = case_numbers
        await session.execute(
            select(func.pg_advisory_xact_lock(_LOCK_SPACE, func.hashtext(case_number)))
        )
        return
    # The sorted subquery feeds the locks in its order (PostgreSQL evaluates the outer select
    # list row by row as the sort emits them).
    await session.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(:space, k)) FROM "
            "(SELECT DISTINCT hashtext(c) AS k FROM unnest(CAST(:cases AS text[])) AS c "
            "ORDER BY k) AS keys"
        ),
        {"space": _LOCK_SPACE, "cases": sorted(case_numbers)},
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


async def _render_missing(session: AsyncSession, *, case_numbers: Collection[str]) -> int:
    """Create the notifications the cases' stored events still owe their recipients.

    Three reads and one insert for any number of cases, with Core statements: the ORM's unit
    of work was most of the CPU of a status change (docs/performance.md, "Profile").
    """
    cases = sorted(case_numbers)
    if not cases:
        return 0
    events, recipients = CaseEvent.__table__.c, Recipient.__table__.c
    by_case: dict[str, list[Row[Any]]] = {}
    for row in await session.execute(
        select(
            events.event_id,
            events.case_number,
            events.status,
            events.tier,
            events.deadline,
            events.result_document_number,
        )
        .where(events.case_number.in_(cases))
        .order_by(events.case_number, events.occurred_at, events.event_id)
    ):
        by_case.setdefault(row.case_number, []).append(row)
    if not by_case:
        return 0
    to_tell: dict[str, list[Row[Any]]] = {}
    for row in await session.execute(
        select(
            recipients.case_number,
            recipients.role,
            recipients.channel,
            recipients.language,
            recipients.address,
        )
        .where(recipients.case_number.in_(list(by_case)))
        .order_by(recipients.case_number, recipients.role)
    ):
        to_tell.setdefault(row.case_number, []).append(row)
    if not to_tell:
        return 0
    told = set(
        (
            await session.execute(
                select(Notification.event_id, Notification.role).where(
                    Notification.case_number.in_(list(to_tell))
                )
            )
        ).tuples()
    )
    now = utcnow()
    created: list[dict[str, Any]] = []
    for case_number, case_recipients in to_tell.items():
        for event in by_case[case_number]:
            for recipient in case_recipients:
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
                    {
                        "id": new_id(),
                        "event_id": event.event_id,
                        "case_number": case_number,
                        "role": recipient.role,
                        "channel": recipient.channel,
                        "language": recipient.language,
                        "address": recipient.address,
                        "address_hash": address_key(recipient.address),
                        "template": rendered.template,
                        "template_version": rendered.version,
                        "subject": rendered.subject,
                        "text": rendered.text,
                        # Due now: the delivery worker sends it once this transaction commits.
                        "status": DeliveryStatus.CREATED,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                )
    if created:
        await session.execute(insert(Notification.__table__), created)
        mark_work(session)  # the delivery worker sends them once this commits
        log.info("%d case(s): %d notification(s) created", len(to_tell), len(created))
    return len(created)


async def record_status_change(*, session: AsyncSession, change: StatusChange) -> int:
    """Keep the event's facts (once) and tell every registered recipient not yet told; how
    many notifications that made."""
    return await record_status_changes(session=session, changes=[change])


async def record_status_changes(*, session: AsyncSession, changes: Sequence[StatusChange]) -> int:
    """`record_status_change` for a batch of events in the caller's transaction: the cases
    locked at once, each event kept once (a repeated event id, in the batch or stored
    before, adds nothing), then what the cases' events owe their recipients, in one insert."""
    if not changes:
        return 0
    await _lock_cases(session, {c.case_number for c in changes})
    ids = list(dict.fromkeys(c.event_id for c in changes))
    known = set(
        await session.scalars(select(CaseEvent.event_id).where(CaseEvent.event_id.in_(ids)))
    )
    new: list[dict[str, Any]] = []
    for c in changes:
        if c.event_id in known:
            continue
        known.add(c.event_id)
        new.append(
            {
                "event_id": c.event_id,
                "case_number": c.case_number,
                "status": c.status,
                "tier": c.tier,
                "place_code": c.place_code,
                "result_document_number": c.result_document_number,
                "deadline": c.deadline,
                "occurred_at": c.occurred_at,
            }
        )
    if new:
        await session.execute(insert(CaseEvent.__table__), new)
    return await _render_missing(session, case_numbers={c.case_number for c in changes})


async def register_recipients(
    *, session: AsyncSession, case_number: str, recipients: Sequence[RecipientIn]
) -> int:
    """Upsert the case's recipients by role, then tell them of the events already stored."""
    _validate_registration(case_number, recipients)
    await _lock_cases(session, [case_number])
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
    await _render_missing(session, case_numbers=[case_number])
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
