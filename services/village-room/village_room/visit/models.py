"""The register of every visit to the village service room (T3)."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow


class Visit(Base):
    __tablename__ = "visit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    staff_id: Mapped[str] = mapped_column(String(36))
    topic: Mapped[str] = mapped_column(String(200))
    # consulted | redirected | incomplete | applied_as_agent | mediated | open
    outcome: Mapped[str] = mapped_column(String(30), default="open")
    case_number: Mapped[str | None] = mapped_column(String(40))
    visited_at: Mapped[datetime] = mapped_column(default=utcnow)
