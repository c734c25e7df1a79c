"""The township's appointment book (C5): window staff book a slot for an applicant who phones
or walks in, list the day, cancel with a reason, and record the arrival (then accept the case
the usual way, at the walk-in window).

The hall's own book, in its own database (decision 4: an edge node books offline): the slots
and places come from the item's settings in the hall's catalog copy, the rules and refusals
from the kit (govnet_kit.appointments), the same as the city's. Each township's places are its
own window's; staff act only in their township (A2). A booking takes a lock on the person and
the item, then on the slot, and only then counts, so two bookings racing for the last place
never both succeed. Functions flush, never commit (rule 5).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import appointments as book_rules
from govnet_kit import audit, catalog_replica, pii, seasonal
from govnet_kit.appointments import ARRIVED, BOOKED, CANCELLED, SlotPlaces
from govnet_kit.auth import Principal
from govnet_kit.errors import Conflict, NotFound
from govnet_kit.worktime import SHANGHAI, WorkCalendar
from town_hall.appointment.models import TownAppointment
from town_hall.case import service as case_service

# A booked or arrived booking holds its place; a cancelled one frees it.
_HOLDING = (BOOKED, ARRIVED)
_PHONE_CONTEXT = "town_appointment.phone"


def require_window(staff: Principal, township_code: str) -> None:
    """The township's own window staff only (A2)."""
    staff.require_staff(tier="town")
    staff.require_place(township_code)


# -- the items --------------------------------------------------------------------------------


def received_here(item: catalog_pb2.CatalogItem) -> bool:
    handling = catalog_replica.handling_at(item, case_service.TIER)
    return handling != catalog_pb2.HANDLING_UNSPECIFIED and seasonal.is_appointment(item)


async def appointment_items(session: AsyncSession) -> list[catalog_pb2.CatalogItem]:
    """The appointment items the township's window receives, in force in its catalog copy."""
    return [i for i in await catalog_replica.in_force(session) if received_here(i)]


async def item_here(session: AsyncSession, item_code: str) -> catalog_pb2.CatalogItem:
    item = await catalog_replica.current(session, item_code)
    if item is None:
        raise NotFound(
            f"no item {item_code} in the catalog",
            message_zh=f"目录中无此事项：{item_code}",
            field="item_code",
        )
    book_rules.require_appointment(item)
    if not received_here(item):
        raise Conflict(
            f"{item.code} is not received at a township hall",
            message_zh=f"事项{item.code}不在乡镇便民服务大厅受理",
            field="item_code",
        )
    return item


# -- slots ------------------------------------------------------------------------------------


async def slot_places(
    session: AsyncSession,
    *,
    township_code: str,
    item: catalog_pb2.CatalogItem,
    first: date,
    last: date,
    now: datetime,
    calendar: WorkCalendar,
) -> list[SlotPlaces]:
    """The township's slots of the item from `first` to `last` not yet begun, with places."""
    slots = book_rules.open_slots(item, first, last, now=now, calendar=calendar)
    if not slots:
        return []
    rows = await session.execute(
        select(TownAppointment.starts_at, func.count())
        .where(
            TownAppointment.township_code == township_code,
            TownAppointment.item_code == item.code,
            TownAppointment.status.in_(_HOLDING),
            TownAppointment.starts_at >= slots[0].starts_at,
            TownAppointment.starts_at <= slots[-1].starts_at,
        )
        .group_by(TownAppointment.starts_at)
    )
    return book_rules.places(item, slots, Counter({at: n for at, n in rows}))


# -- booking ----------------------------------------------------------------------------------


async def book(
    session: AsyncSession,
    *,
    township_code: str,
    staff: Principal,
    item: catalog_pb2.CatalogItem,
    starts_at: datetime,
    name: str,
    phone: str,
    now: datetime,
    calendar: WorkCalendar,
) -> TownAppointment:
    """One place of the township's slot for the applicant; refuses with the reason and field,
    storing nothing."""
    require_window(staff, township_code)
    person = book_rules.caller(name, phone)
    refusal = book_rules.booking_refusal(item, starts_at, calendar, now=now)
    if refusal is not None:
        raise refusal
    phone_hash = pii.lookup_hash(person.phone, context=_PHONE_CONTEXT)
    key = book_rules.person_key(township_code, item.code, phone_hash)
    await book_rules.hold(session, key, book=TownAppointment)
    key = book_rules.slot_key(township_code, item.code, starts_at)
    await book_rules.hold(session, key, book=TownAppointment)

    held = await session.scalar(
        select(TownAppointment).where(
            TownAppointment.township_code == township_code,
            TownAppointment.item_code == item.code,
            TownAppointment.phone_hash == phone_hash,
            TownAppointment.status == BOOKED,
            TownAppointment.starts_at > now,
        )
    )
    if held is not None:
        raise book_rules.held_refusal(
            item.code, reference=held.reference, held_at=held.starts_at, starts_at=starts_at
        )
    taken = await session.scalar(
        select(func.count()).where(
            TownAppointment.township_code == township_code,
            TownAppointment.item_code == item.code,
            TownAppointment.starts_at == starts_at,
            TownAppointment.status.in_(_HOLDING),
        )
    )
    full = book_rules.full_refusal(item, starts_at, taken or 0)
    if full is not None:
        raise full
    day, local = book_rules.local_slot(starts_at)
    appointment = TownAppointment(
        reference=await book_rules.new_reference(session, column=TownAppointment.reference),
        township_code=township_code,
        item_code=item.code,
        item_version=item.version,
        day=day,
        starts_at=local,
        applicant_name=person.name,
        applicant_phone=person.phone,
        phone_hash=phone_hash,
        status=BOOKED,
        booked_by=staff.subject,
        booked_at=now,
    )
    session.add(appointment)
    await session.flush()
    await _audit(session, appointment, "town_appointment.booked", staff, now)
    return appointment


async def cancel(
    session: AsyncSession,
    *,
    appointment: TownAppointment,
    staff: Principal,
    reason: str,
    now: datetime,
) -> TownAppointment:
    """Before the slot begins, with the reason on record (the applicant called, the hall is
    closed that day ...); the place is free again."""
    require_window(staff, appointment.township_code)
    refusal = book_rules.cancel_refusal(
        reference=appointment.reference,
        status=appointment.status,
        starts_at=appointment.starts_at,
        now=now,
    )
    if refusal is not None:
        raise refusal
    appointment.status = CANCELLED
    appointment.cancelled_by = staff.subject
    appointment.cancelled_at = now
    appointment.cancel_reason = reason
    await session.flush()
    await _audit(session, appointment, "town_appointment.cancelled", staff, now)
    return appointment


async def mark_arrived(
    session: AsyncSession, *, appointment: TownAppointment, staff: Principal, now: datetime
) -> TownAppointment:
    """The applicant is at the window on the slot's day; staff then accept the case."""
    require_window(staff, appointment.township_code)
    if appointment.status != BOOKED:
        raise Conflict(
            f"booking {appointment.reference} is {appointment.status}",
            message_zh=f"预约{appointment.reference}"
            + ("已取消" if appointment.status == CANCELLED else "已登记到场"),
            field="id",
        )
    if now.astimezone(SHANGHAI).date() != appointment.day:
        raise Conflict(
            f"the arrival of booking {appointment.reference} is recorded on its day, "
            f"{appointment.day.isoformat()}",
            message_zh=f"预约{appointment.reference}只能在预约当天（{appointment.day.isoformat()}）"
            "登记到场",
            field="id",
        )
    appointment.status = ARRIVED
    appointment.arrived_by = staff.subject
    appointment.arrived_at = now
    await session.flush()
    await _audit(session, appointment, "town_appointment.arrived", staff, now)
    return appointment


# -- reading ----------------------------------------------------------------------------------


async def get(session: AsyncSession, *, township_code: str, appointment_id: str) -> TownAppointment:
    """The booking in the township's book; another township's is as if it did not exist."""
    appointment = await session.get(TownAppointment, appointment_id)
    if appointment is None or appointment.township_code != township_code:
        raise NotFound("no such booking", message_zh="无此预约", field="id")
    return appointment


async def of_day(
    session: AsyncSession, *, township_code: str, day: date, item_code: str | None = None
) -> list[TownAppointment]:
    query = select(TownAppointment).where(
        TownAppointment.township_code == township_code, TownAppointment.day == day
    )
    if item_code:
        query = query.where(TownAppointment.item_code == item_code)
    rows = await session.scalars(
        query.order_by(
            TownAppointment.starts_at, TownAppointment.item_code, TownAppointment.booked_at
        )
    )
    return list(rows)


async def _audit(
    session: AsyncSession,
    appointment: TownAppointment,
    action: str,
    staff: Principal,
    now: datetime,
) -> None:
    """Facts and references only: the name and the phone never enter the chain."""
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action=action,
        subject_ref=f"town_appointment:{appointment.id}",  # by reference, never the phone
        data={
            "appointment_id": appointment.id,
            "reference": appointment.reference,
            "township_code": appointment.township_code,
            "item_code": appointment.item_code,
            "item_version": appointment.item_version,
            "starts_at": appointment.starts_at.isoformat(),
            "status": appointment.status,
        },
        at=now,
    )
