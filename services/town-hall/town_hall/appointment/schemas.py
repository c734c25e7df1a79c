from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from govnet_kit.appointments import SlotOut

ItemCode = Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9-]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class BookingIn(BaseModel):
    item_code: ItemCode
    # A slot's start as the slots list gives it, with its offset, e.g. 2026-09-01T09:00:00+08:00.
    starts_at: datetime
    # The applicant who phones or walks in: their name and mobile number, for the window.
    name: Name
    phone: Phone


class CancellationIn(BaseModel):
    reason: Reason


class SlotsOut(BaseModel):
    township_code: str
    item_code: str
    item_version: int
    slots: list[SlotOut]
    # When the range has no slot: the first reception day after it, if any within a year.
    next_reception_day: date | None


class TownAppointmentOut(BaseModel):
    """What the township's window sees: who is coming, and where the booking stands."""

    id: str
    reference: str
    township_code: str
    item_code: str
    item_version: int
    day: date
    starts_at: datetime
    status: str
    applicant_name: str
    applicant_phone: str
    booked_by: str
    booked_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    arrived_at: datetime | None
