"""Messages a consumer gave up on after its delivery limit, kept for an operator to replay."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow


class DeadLetter(Base):
    __tablename__ = "dead_letter"
    # A redelivery of a message already stored here (its term was lost) adds no second row.
    __table_args__ = (
        UniqueConstraint("consumer", "stream", "stream_sequence", name="uq_dead_letter_message"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    consumer: Mapped[str] = mapped_column(String(100))
    stream: Mapped[str] = mapped_column(String(100))
    stream_sequence: Mapped[int] = mapped_column(BigInteger)
    subject: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(64), default="")  # "" without Nats-Msg-Id
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    deliveries: Mapped[int]
    error: Mapped[str] = mapped_column(Text)
    dead_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None]
    replay_error: Mapped[str | None] = mapped_column(Text)
