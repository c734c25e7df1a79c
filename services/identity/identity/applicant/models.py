"""One-time codes with which applicants prove their phone number (A2, decision 8)."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow


class OneTimeCode(Base):
    """A code sent to a phone: stored only as a hash, for the phone's hash (never the number).

    The rows are also the durable request log the rate limits count (per phone, per minute and
    per hour), so they are kept after use; the newest one is the only one that verifies.
    """

    __tablename__ = "one_time_code"
    __table_args__ = (Index("ix_one_time_code_phone_hash_created_at", "phone_hash", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # sha256 hex of the normalised phone: the applicant's subject is "applicant:<phone_hash>".
    phone_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    used_at: Mapped[datetime | None]
