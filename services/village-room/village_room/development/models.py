"""Economic development (经济发展服务): activities and the sessions held for them."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

ACTIVITY_KINDS_ZH = {
    "industrial_restructuring": "产业结构调整",
    "improved_varieties": "良种推广",
    "technical_guidance": "技术指导",
    "training": "培训",
}


class DevelopmentActivity(Base):
    __tablename__ = "development_activity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DevelopmentSession(Base):
    """A guidance or training session, with how many came (and who, where they are known)."""

    __tablename__ = "development_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(ForeignKey("development_activity.id"), index=True)
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    instructor: Mapped[str] = mapped_column(String(100))
    attendance: Mapped[int]
    attendee_applicant_ids: Mapped[list[str]] = mapped_column(JSON)
    staff_id: Mapped[str] = mapped_column(String(36))
