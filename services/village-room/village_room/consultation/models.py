"""Consultation records (咨询服务): the question and the answer given at the room."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

CONSULTATION_FIELDS_ZH = {
    "legal": "法律咨询",
    "social_security_fund": "社会保障资金",
    "farming_technique": "农业种养技术",
    "labour_talent_info": "劳动力和人才信息",
}


class Consultation(Base):
    __tablename__ = "consultation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    field: Mapped[str] = mapped_column(String(30))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    # Where the villager was sent for more, if anywhere (a department, the township hall).
    referred_to: Mapped[str] = mapped_column(String(200), default="")
    applicant_id: Mapped[str | None] = mapped_column(String(36))
    visit_id: Mapped[str | None] = mapped_column(String(36))
    staff_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
