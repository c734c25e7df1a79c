"""Appointment books (C5) that every tier keeps in its own tables: the rules that do not depend
on those tables.

The city center books the slots of its appointment items; a township hall keeps its own book for
the appointment items received at its window, from its copy of the catalog (decision 4: an edge
node books offline). Both take the slots from the item's seasonal settings (govnet_kit.seasonal)
and refuse with the same words here: the slot not offered, too far ahead, full, already held, a
booking that can no longer be cancelled. Each book counts its own bookings and holds the same
locks (`hold`), so two bookings racing for the last place never both succeed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import seasonal
from govnet_kit.errors import Conflict, DomainError, InvalidArgument
from govnet_kit.personal import applicant_subject_hash, normalise_mobile
from govnet_kit.worktime import SHANGHAI, WorkCalendar

# A slot may be booked this far ahead: beyond it the holiday schedule is not yet published.
MAX_DAYS_AHEAD = 180
# A list of slots covers at most this many days at once, and two weeks when none are asked.
MAX_RANGE_DAYS = 31
DEFAULT_RANGE_DAYS = 14
# First key of the PostgreSQL advisory locks taken here, so they meet no other lock space.
LOCK_SPACE = 0x61707074  # "appt"
# References are read aloud at the window: no 0/O, 1/I/L or U.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_MOBILE = re.compile(r"^1\d{10}$")
# A booking's states in every book; a cancelled one frees its place, an arrived one used it.
BOOKED, ARRIVED, CANCELLED = "booked", "arrived", "cancelled"


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


def caller(name: str, phone: str) -> Person:
    """Someone who phones or walks in: the window books for them under their mobile number."""
    digits = normalise_phone(phone)
    return Person(applicant_subject(digits), name, digits)


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


class SlotOut(BaseModel):
    """A slot as every book's JSON API lists it."""

    starts_at: datetime
    day: date
    time: str
    capacity: int
    booked: int
    free: int

    @classmethod
    def of(cls, p: SlotPlaces) -> SlotOut:
        return cls(
            starts_at=p.slot.starts_at,
            day=p.slot.day,
            time=p.slot.time,
            capacity=p.capacity,
            booked=p.booked,
            free=p.free,
        )


def asked_range(now: datetime, first: date | None, last: date | None) -> tuple[date, date]:
    """The days a slot list covers: from today for two weeks unless the caller says."""
    first = first or seasonal.shanghai_day(now)
    return first, last or first + timedelta(days=DEFAULT_RANGE_DAYS - 1)


def open_slots(
    item: catalog_pb2.CatalogItem,
    first: date,
    last: date,
    *,
    now: datetime,
    calendar: WorkCalendar,
) -> list[seasonal.Slot]:
    """The item's slots from `first` to `last` not yet begun, in time order."""
    require_appointment(item)
    check_range(first, last)
    return [s for s in seasonal.slots_between(item, first, last, calendar) if s.starts_at > now]


def places(
    item: catalog_pb2.CatalogItem,
    slots: list[seasonal.Slot],
    booked: Mapping[datetime, int],
) -> list[SlotPlaces]:
    """Each slot with its places: `booked` counts active bookings by the slot's start."""
    capacity = item.seasonal.slot_capacity
    return [SlotPlaces(slot=s, capacity=capacity, booked=booked.get(s.starts_at, 0)) for s in slots]


def booking_refusal(
    item: catalog_pb2.CatalogItem, starts_at: datetime, calendar: WorkCalendar, *, now: datetime
) -> DomainError | None:
    """Why the slot starting at `starts_at` cannot be booked whatever the book holds, or None:
    not an appointment item, not one of its slots, a day it is not received, begun, too far."""
    refusal = seasonal.slot_refusal(item, starts_at, calendar, now=now)
    if refusal is not None:
        return refusal
    if starts_at - now > timedelta(days=MAX_DAYS_AHEAD):
        return InvalidArgument(
            f"slots can be booked at most {MAX_DAYS_AHEAD} days ahead",
            message_zh=f"最多可提前{MAX_DAYS_AHEAD}天预约",
            field="starts_at",
        )
    return None


def full_refusal(item: catalog_pb2.CatalogItem, starts_at: datetime, taken: int) -> Conflict | None:
    """The slot is full when its active bookings reach the item's places per slot."""
    capacity = item.seasonal.slot_capacity
    if taken < capacity:
        return None
    when = f"{starts_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    return Conflict(
        f"the slot {when} is full ({seasonal.places_en(capacity)}); choose another slot",
        message_zh=f"{when}的时段已约满（{capacity}个名额），请选择其他时段",
        field="starts_at",
    )


def held_refusal(
    item_code: str, *, reference: str, held_at: datetime, starts_at: datetime
) -> Conflict:
    """A person holds one active booking per item: says which, to cancel it first."""
    when = f"{held_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    return Conflict(
        f"already booked: {reference} for {item_code} at {when}; cancel it to change the slot",
        message_zh=f"已有预约{reference}（事项{item_code}，{when}），如需改期请先取消",
        field="starts_at" if held_at == starts_at else "item_code",
    )


def cancel_refusal(
    *, reference: str, status: str, starts_at: datetime, now: datetime
) -> Conflict | None:
    """Only a booking still active, and only before its slot begins."""
    if status == CANCELLED:
        return Conflict(
            f"booking {reference} is already cancelled",
            message_zh=f"预约{reference}已取消",
            field="id",
        )
    if status == ARRIVED:
        return Conflict(
            f"the applicant of booking {reference} has arrived; it can no longer be cancelled",
            message_zh=f"预约{reference}的申请人已到场，不能再取消",
            field="id",
        )
    if starts_at <= now:
        return Conflict(
            f"the slot of booking {reference} has begun; it can no longer be cancelled",
            message_zh=f"预约{reference}的时段已开始，不能再取消",
            field="id",
        )
    return None


def local_slot(starts_at: datetime) -> tuple[date, datetime]:
    """The slot's Beijing day (the day lists are by it) and its start in Beijing time."""
    local = starts_at.astimezone(SHANGHAI)
    return local.date(), local


# -- locks and references ---------------------------------------------------------------------


def person_key(scope: str, item_code: str, subject: str) -> str:
    """`scope` is the book's (a township's code; empty for the city's one book, whose keys
    predate the scope and stay as they were, so replicas of two releases still meet)."""
    return "|".join(["person", *([scope] if scope else []), item_code, subject])


def slot_key(scope: str, item_code: str, starts_at: datetime) -> str:
    return "|".join(
        ["slot", *([scope] if scope else []), item_code, f"{starts_at.timestamp():.0f}"]
    )


async def hold(session: AsyncSession, key: str, *, book: Any) -> None:
    """Hold `key` until commit: an advisory lock on PostgreSQL; on SQLite the database's single
    write lock, taken by a write to `book` (the booking model) that matches no row.

    Take the person's key before the slot's, always: two bookings then never wait on each other
    in a cycle, and the counts made after both see every committed booking."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, func.hashtext(key))))
    else:
        # pysqlite begins a transaction only at the first write; a write matching no row still
        # takes SQLite's write lock, so the counts below see every committed booking.
        await session.execute(update(book).where(book.id == "").values(id=""))


async def new_reference(session: AsyncSession, *, column: Any) -> str:
    """A fresh "K7PM-Q2XD", read aloud at the window; unique in `column`."""
    while True:
        raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{raw[:4]}-{raw[4:]}"
        if await session.scalar(select(column).where(column == reference)):
            continue  # one chance in 30^8 per booking; the unique index is the last word
        return reference
