"""Booking the slots of appointment items (C5): free places, bookings, cancellations.

The rules that do not depend on this table (slots offered, refusals and their words, locks,
references) are the kit's (govnet_kit.appointments), shared with the township halls' books.

A slot holds at most `slot_capacity` active bookings, and a person holds at most one active
booking (a booked slot not yet begun) per item. Both hold under concurrency: a booking first
takes a lock on the person and the item, then one on the slot, and only then counts. On
PostgreSQL these are transaction-scoped advisory locks; on SQLite the first statement is a
write, which takes the database's single write lock for the whole transaction. The order is
always person, slot, audit head, so two bookings never wait on each other in a cycle.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.appointment.models import BOOKED, CANCELLED, Appointment
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import appointments as book_rules
from govnet_kit import audit
from govnet_kit.appointments import (  # noqa: F401 - re-exported: the pages and router use them
    MAX_DAYS_AHEAD,
    MAX_RANGE_DAYS,
    Person,
    SlotPlaces,
    applicant_person,
    applicant_subject,
    check_range,
    normalise_phone,
    require_appointment,
)
from govnet_kit.errors import NotFound
from govnet_kit.worktime import WorkCalendar

_SCOPE = ""  # the lock keys' scope: the city keeps one book


async def slot_places(
    session: AsyncSession,
    *,
    item: catalog_pb2.CatalogItem,
    first: date,
    last: date,
    now: datetime,
    calendar: WorkCalendar,
) -> list[SlotPlaces]:
    """The slots from `first` to `last` not yet begun, with their booked and free places."""
    slots = book_rules.open_slots(item, first, last, now=now, calendar=calendar)
    if not slots:
        return []
    rows = await session.execute(
        select(Appointment.starts_at, func.count())
        .where(
            Appointment.item_code == item.code,
            Appointment.status == BOOKED,
            Appointment.starts_at >= slots[0].starts_at,
            Appointment.starts_at <= slots[-1].starts_at,
        )
        .group_by(Appointment.starts_at)
    )
    booked = Counter({starts_at: n for starts_at, n in rows})
    return book_rules.places(item, slots, booked)


# -- booking ----------------------------------------------------------------------------------


async def book(
    session: AsyncSession,
    *,
    item: catalog_pb2.CatalogItem,
    starts_at: datetime,
    person: Person,
    actor: str,
    now: datetime,
    calendar: WorkCalendar,
) -> Appointment:
    """Book one place of a slot for `person`; refuses with the reason and the field."""
    refusal = book_rules.booking_refusal(item, starts_at, calendar, now=now)
    if refusal is not None:
        raise refusal
    await book_rules.hold(
        session, book_rules.person_key(_SCOPE, item.code, person.subject), book=Appointment
    )
    await book_rules.hold(
        session, book_rules.slot_key(_SCOPE, item.code, starts_at), book=Appointment
    )

    held = await session.scalar(
        select(Appointment).where(
            Appointment.item_code == item.code,
            Appointment.applicant_subject == person.subject,
            Appointment.status == BOOKED,
            Appointment.starts_at > now,
        )
    )
    if held is not None:
        raise book_rules.held_refusal(
            item.code, reference=held.reference, held_at=held.starts_at, starts_at=starts_at
        )
    taken = await session.scalar(
        select(func.count()).where(
            Appointment.item_code == item.code,
            Appointment.starts_at == starts_at,
            Appointment.status == BOOKED,
        )
    )
    full = book_rules.full_refusal(item, starts_at, taken or 0)
    if full is not None:
        raise full
    day, local = book_rules.local_slot(starts_at)
    appointment = Appointment(
        reference=await book_rules.new_reference(session, column=Appointment.reference),
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        day=day,
        starts_at=local,
        applicant_subject=person.subject,
        applicant_name=person.name,
        applicant_phone=person.phone,
        status=BOOKED,
        booked_by=actor,
        booked_at=now,
    )
    session.add(appointment)
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="appointment.booked",
        subject_ref=person.subject,
        data=_facts(appointment),
        at=now,
    )
    return appointment


async def cancel(
    session: AsyncSession, *, appointment: Appointment, actor: str, now: datetime
) -> Appointment:
    refusal = book_rules.cancel_refusal(
        reference=appointment.reference,
        status=appointment.status,
        starts_at=appointment.starts_at,
        now=now,
    )
    if refusal is not None:
        raise refusal
    appointment.status = CANCELLED
    appointment.cancelled_by = actor
    appointment.cancelled_at = now
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="appointment.cancelled",
        subject_ref=appointment.applicant_subject,
        data=_facts(appointment),
        at=now,
    )
    return appointment


# -- reading ----------------------------------------------------------------------------------


async def get(session: AsyncSession, appointment_id: str) -> Appointment:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound("no such booking", message_zh="无此预约", field="id")
    return appointment


async def of_applicant(session: AsyncSession, *, subject: str) -> list[Appointment]:
    rows = await session.scalars(
        select(Appointment)
        .where(Appointment.applicant_subject == subject)
        .order_by(Appointment.starts_at.desc(), Appointment.booked_at.desc())
    )
    return list(rows)


async def of_day(
    session: AsyncSession,
    *,
    day: date,
    department_code: str | None = None,
    item_code: str | None = None,
) -> list[Appointment]:
    query = select(Appointment).where(Appointment.day == day)
    if department_code:
        query = query.where(Appointment.department_code == department_code)
    if item_code:
        query = query.where(Appointment.item_code == item_code)
    rows = await session.scalars(
        query.order_by(Appointment.starts_at, Appointment.item_code, Appointment.booked_at)
    )
    return list(rows)


# -- helpers ----------------------------------------------------------------------------------


def _facts(appointment: Appointment) -> dict[str, object]:
    """What the audit chain keeps: facts and references, never the name or the phone."""
    return {
        "appointment_id": appointment.id,
        "reference": appointment.reference,
        "item_code": appointment.item_code,
        "item_version": appointment.item_version,
        "starts_at": appointment.starts_at.isoformat(),
    }
