"""Booking the slots of appointment items (C5): free places, bookings, cancellations.

A slot holds at most `slot_capacity` active bookings, and a person holds at most one active
booking (a booked slot not yet begun) per item. Both hold under concurrency: a booking first
takes a lock on the person and the item, then one on the slot, and only then counts. On
PostgreSQL these are transaction-scoped advisory locks; on SQLite the first statement is a
write, which takes the database's single write lock for the whole transaction. The order is
always person, slot, audit head, so two bookings never wait on each other in a cycle.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.appointment.models import BOOKED, CANCELLED, Appointment
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit, seasonal
from govnet_kit.errors import Conflict, InvalidArgument, NotFound
from govnet_kit.personal import applicant_subject_hash, normalise_mobile
from govnet_kit.worktime import SHANGHAI, WorkCalendar

# A slot may be booked this far ahead: beyond it the holiday schedule is not yet published.
MAX_DAYS_AHEAD = 180
# The slots endpoint shows at most this many days at once.
MAX_RANGE_DAYS = 31
# First key of the PostgreSQL advisory locks taken here, so they meet no other lock space.
_LOCK_SPACE = 0x61707074  # "appt"
# References are read aloud at the window: no 0/O, 1/I/L or U.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_MOBILE = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class Person:
    """Who the booking is for: the subject identity gives them, their name and phone."""

    subject: str
    name: str
    phone: str = ""


@dataclass(frozen=True)
class SlotPlaces:
    slot: seasonal.Slot
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


# -- people -----------------------------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    """A mainland mobile number as 11 digits, exactly as identity normalises it on sign-in."""
    digits = normalise_mobile(phone)
    if not _MOBILE.match(digits):
        raise InvalidArgument(
            "phone must be a mainland mobile number", message_zh="手机号码格式不正确", field="phone"
        )
    return digits


def applicant_subject(phone: str) -> str:
    """The subject of the applicant who signs in with this phone (identity's rule)."""
    normalise_phone(phone)  # refuses what is not a mobile number
    return "applicant:" + applicant_subject_hash(phone)


def applicant_person(subject: str, name: str, phone: str | None) -> Person:
    """An applicant booking for themselves: their own subject; a phone, if they give one, must
    be the one they signed in with (the window calls it)."""
    digits = normalise_phone(phone) if phone else ""
    if digits and applicant_subject(digits) != subject:
        raise InvalidArgument(
            "not the phone you signed in with",
            message_zh="与登录所用手机号不一致",
            field="phone",
        )
    return Person(subject, name, digits)


# -- slots ------------------------------------------------------------------------------------


def require_appointment(item: catalog_pb2.CatalogItem) -> None:
    if not seasonal.is_appointment(item):
        raise Conflict(
            f"{item.code} is not received by appointment",
            message_zh=f"事项{item.code}不实行预约服务",
            field="item_code",
        )


def check_range(first: date, last: date) -> None:
    if last < first:
        raise InvalidArgument(
            "to must not be before from", message_zh="结束日期不能早于开始日期", field="to"
        )
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidArgument(
            f"ask for at most {MAX_RANGE_DAYS} days at once",
            message_zh=f"一次最多查询{MAX_RANGE_DAYS}天",
            field="to",
        )


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
    require_appointment(item)
    check_range(first, last)
    slots = [s for s in seasonal.slots_between(item, first, last, calendar) if s.starts_at > now]
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
    capacity = item.seasonal.slot_capacity
    return [SlotPlaces(slot=s, capacity=capacity, booked=booked[s.starts_at]) for s in slots]


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
    refusal = seasonal.slot_refusal(item, starts_at, calendar, now=now)
    if refusal is not None:
        raise refusal
    if starts_at - now > timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidArgument(
            f"slots can be booked at most {MAX_DAYS_AHEAD} days ahead",
            message_zh=f"最多可提前{MAX_DAYS_AHEAD}天预约",
            field="starts_at",
        )
    await _lock(session, f"person|{item.code}|{person.subject}")
    await _lock(session, f"slot|{item.code}|{starts_at.timestamp():.0f}")

    held = await session.scalar(
        select(Appointment).where(
            Appointment.item_code == item.code,
            Appointment.applicant_subject == person.subject,
            Appointment.status == BOOKED,
            Appointment.starts_at > now,
        )
    )
    if held is not None:
        when = f"{held.starts_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        raise Conflict(
            f"already booked: {held.reference} for {item.code} at {when}; cancel it to change"
            " the slot",
            message_zh=f"已有预约{held.reference}（事项{item.code}，{when}），如需改期请先取消",
            field="starts_at" if held.starts_at == starts_at else "item_code",
        )
    taken = await session.scalar(
        select(func.count()).where(
            Appointment.item_code == item.code,
            Appointment.starts_at == starts_at,
            Appointment.status == BOOKED,
        )
    )
    capacity = item.seasonal.slot_capacity
    if (taken or 0) >= capacity:
        when = f"{starts_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        raise Conflict(
            f"the slot {when} is full ({capacity} places); choose another slot",
            message_zh=f"{when}的时段已约满（{capacity}个名额），请选择其他时段",
            field="starts_at",
        )
    local = starts_at.astimezone(SHANGHAI)
    appointment = Appointment(
        reference=await _new_reference(session),
        item_code=item.code,
        item_version=item.version,
        department_code=item.department_code,
        day=local.date(),
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
    if appointment.status != BOOKED:
        raise Conflict(
            f"booking {appointment.reference} is already cancelled",
            message_zh=f"预约{appointment.reference}已取消",
            field="id",
        )
    if appointment.starts_at <= now:
        raise Conflict(
            f"the slot of booking {appointment.reference} has begun; it can no longer be cancelled",
            message_zh=f"预约{appointment.reference}的时段已开始，不能再取消",
            field="id",
        )
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


async def _lock(session: AsyncSession, key: str) -> None:
    """Hold `key` until commit: an advisory lock on PostgreSQL, the write lock on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, func.hashtext(key))))
    else:
        # pysqlite begins a transaction only at the first write; a write matching no row still
        # takes SQLite's single write lock, so the counts below see every committed booking.
        await session.execute(update(Appointment).where(Appointment.id == "").values(id=""))


async def _new_reference(session: AsyncSession) -> str:
    while True:
        raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{raw[:4]}-{raw[4:]}"
        if await session.scalar(select(Appointment.id).where(Appointment.reference == reference)):
            continue  # one chance in 30^8 per booking; the unique index is the last word
        return reference
