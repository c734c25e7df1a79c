"""The township's own appointment book (C5, decision 4): bookings of the slots of appointment
items received at its window, kept in the hall's database so an edge node books offline."""

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.appointments import BOOKED
from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted


class TownAppointment(Base):
    __tablename__ = "town_appointment"
    __table_args__ = (
        Index("ix_town_appointment_slot", "township_code", "item_code", "starts_at"),
        Index("ix_town_appointment_day", "township_code", "day"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Read aloud at the window, e.g. "K7PM-Q2XD"; unique in the hall.
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    # Each township keeps its own book: its places are its window's (A2).
    township_code: Mapped[str] = mapped_column(String(12))
    item_code: Mapped[str] = mapped_column(String(50))
    # The version in force when booked: its slots and places were the ones offered.
    item_version: Mapped[int]
    day: Mapped[date]  # the slot's Beijing day, for the window's list of the day
    starts_at: Mapped[datetime]
    # Personal data, for the window only: encrypted at rest, never in the audit chain or logs.
    applicant_name: Mapped[str] = mapped_column(Encrypted("town_appointment.applicant_name"))
    applicant_phone: Mapped[str] = mapped_column(Encrypted("town_appointment.applicant_phone"))
    # Keyed hash of the phone (govnet_kit.pii.lookup_hash): one active booking per person and
    # item, found without decrypting a row.
    phone_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)
    booked_by: Mapped[str] = mapped_column(String(100))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    arrived_by: Mapped[str | None] = mapped_column(String(100))
    arrived_at: Mapped[datetime | None]
