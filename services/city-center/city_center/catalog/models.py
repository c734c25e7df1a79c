"""The catalog the city owns (C1): departments, versioned items, the stationing register (C4)."""

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, utcnow

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"


class Department(Base):
    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    # Stationed at the city center (C4): the department has its window there.
    stationed: Mapped[bool] = mapped_column(default=False)


class Item(Base):
    """One version of an item: draft (editable) -> published (frozen, in force) -> retired.

    A case keeps the version it was accepted under, so retired versions stay readable.
    """

    __tablename__ = "item"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    # Searchable copies of the record's fields (C2): the record itself is opaque to SQL.
    name_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    category_code: Mapped[str] = mapped_column(String(50), default="", server_default="")
    # The tiers that accept the item, as "|city|town|village|", for a LIKE filter.
    accepting_tiers: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # The whole public record, as the contract's CatalogItem message.
    record: Mapped[bytes] = mapped_column(LargeBinary)
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]


class StationedItem(Base):
    """An item a department has stationed at a window of the center (C4, "应进必进").

    The items that must be stationed are the city items in force; a missing row is a gap.
    """

    __tablename__ = "stationed_item"

    item_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    window: Mapped[str] = mapped_column(String(50), default="")
    stationed_at: Mapped[datetime] = mapped_column(default=utcnow)
