"""The catalog the city owns (C1): departments and versioned items (decision 3)."""

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, utcnow


class Department(Base):
    __tablename__ = "department"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    # Stationed at the city center (C4).
    stationed: Mapped[bool] = mapped_column(default=False)


class Item(Base):
    """One version of an item. Published versions are frozen; a case keeps its version."""

    __tablename__ = "item"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft|published|retired
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    # The whole public record, as the contract's CatalogItem message.
    record: Mapped[bytes] = mapped_column(LargeBinary)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
