"""The duty roster (值班表): members of the two village committees take turns at the room."""

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id


class DutyMember(Base):
    """A committee member on the roster; the off-duty contact is published on purpose."""

    __tablename__ = "duty_member"
    __table_args__ = (UniqueConstraint("place_code", "staff_id", name="uq_duty_member_staff"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    staff_id: Mapped[str] = mapped_column(String(36))
    display_name: Mapped[str] = mapped_column(String(50))
    # party_branch (村党支部委员会) | villagers_committee (村民委员会)
    committee: Mapped[str] = mapped_column(String(30))
    off_duty_contact: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)


class DutyAssignment(Base):
    """One member on duty on one day."""

    __tablename__ = "duty_assignment"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("duty_member.id"), primary_key=True)


class CollectiveOfficeDay(Base):
    """The month's day when the whole of both committees sits in the room (集中办公日)."""

    __tablename__ = "collective_office_day"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    day: Mapped[date]
