"""The room itself (T3 "six haves"): a registered place with hours and contacts, and its rules."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, utcnow


class Room(Base):
    """The room's registration: where it is, when it opens, how to reach it."""

    __tablename__ = "room"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(300))
    # [{"weekday": 1..7, "opens": "08:30", "closes": "17:30"}]; Monday is 1.
    opening_hours: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Published numbers: [{"label": "值班电话", "number": "0550-1234567"}].
    contact_numbers: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(36))


class RoomRules(Base):
    """The room's published rules, set by its township (首问责任制, 服务承诺制, 一次性告知制)."""

    __tablename__ = "room_rules"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    first_inquiry_zh: Mapped[str] = mapped_column(Text)
    first_inquiry_en: Mapped[str] = mapped_column(Text, default="")
    service_commitment_zh: Mapped[str] = mapped_column(Text)
    service_commitment_en: Mapped[str] = mapped_column(Text, default="")
    one_time_notice_zh: Mapped[str] = mapped_column(Text)
    one_time_notice_en: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(36))
