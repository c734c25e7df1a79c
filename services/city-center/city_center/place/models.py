"""The places register: every township hall and village service room, by division code."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, utcnow

TOWN, VILLAGE = "town", "village"


class Place(Base):
    """A township's service hall or a village's service room, where applicants go (T3).

    The code is the division's own 12-digit code, so it is the same key the tiers already use
    for cases (decision 5) and staff scopes (A2). A place is deactivated, never deleted: cases
    and accounts keep naming it.
    """

    __tablename__ = "place"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    tier: Mapped[str] = mapped_column(String(10))
    # A village's township; a township's is the city's own code (settings.place_code).
    parent_code: Mapped[str] = mapped_column(String(12), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    address_zh: Mapped[str] = mapped_column(String(300))
    address_en: Mapped[str] = mapped_column(String(300), default="")
    hours_zh: Mapped[str] = mapped_column(String(300))
    hours_en: Mapped[str] = mapped_column(String(300), default="")
    # The service room's or hall's own phone, published (no person's number).
    phone: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
