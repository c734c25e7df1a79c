from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from govnet_kit.appointments import SlotOut

ItemCode = Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9-]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class SlotsOut(BaseModel):
    item_code: str
    item_version: int
    from_day: date = Field(serialization_alias="from")
    to_day: date = Field(serialization_alias="to")
    slots: list[SlotOut]
    # When the range has no slot: the first reception day after it, if any within a year.
    next_reception_day: date | None
    note_zh: str
    note_en: str


class BookingIn(BaseModel):
    item_code: ItemCode
    # A slot's start as the slots list gives it, with its offset, e.g. 2026-09-01T09:00:00+08:00
    # (one without is refused by the service, in both languages).
    starts_at: datetime
    # The applicant's name, as the window will ask for it.
    name: Name
    # Required when staff book for a caller; an applicant may add the phone they signed in with.
    phone: Phone | None = None


class AppointmentOut(BaseModel):
    id: str
    reference: str
    item_code: str
    item_version: int
    department_code: str
    day: date
    starts_at: datetime
    status: str
    booked_at: datetime
    cancelled_at: datetime | None


class WindowAppointmentOut(AppointmentOut):
    """What the department's window sees: who is coming."""

    applicant_name: str
    applicant_phone: str
    booked_by: str
