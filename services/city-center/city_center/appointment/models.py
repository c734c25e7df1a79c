"""Appointments (C5): an applicant's booking of one slot of an appointment item."""

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.appointments import BOOKED, CANCELLED
from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted

__all__ = ["BOOKED", "CANCELLED", "Appointment"]


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_slot", "item_code", "starts_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Shown at the window, e.g. "K7PM-Q2XD"; unique.
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    item_code: Mapped[str] = mapped_column(String(50))
    # The version in force when booked: its slots and capacity were the ones offered.
    item_version: Mapped[int]
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    # The slot's Beijing day, for the window's list of the day.
    day: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[datetime]
    # "applicant:<sha256 of the phone>", the subject identity gives the applicant on sign-in,
    # so a booking a window made for a caller shows up in the caller's own list.
    applicant_subject: Mapped[str] = mapped_column(String(80), index=True)
    # Personal data, for the window: never copied into the audit chain; encrypted at rest.
    applicant_name: Mapped[str] = mapped_column(Encrypted("appointment.applicant_name"))
    applicant_phone: Mapped[str] = mapped_column(
        Encrypted("appointment.applicant_phone"), default=""
    )
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)
    booked_by: Mapped[str] = mapped_column(String(100))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancelled_at: Mapped[datetime | None]
