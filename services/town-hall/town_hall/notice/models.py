"""The township hall's public notices (T2): what the hall discloses on its wall and its page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

# What a hall discloses, in the order its notices page shows them: (kind, Chinese, English).
KINDS = (
    ("policy", "政策法规", "Policies"),
    ("duty", "工作职责", "Duties"),
    ("procedure", "办事程序", "Procedures"),
    ("time_limit", "办理时限", "Time limits"),
    ("fee", "收费标准", "Fees"),
    ("hours", "办公时间", "Opening hours"),
    ("consultation_phone", "咨询电话", "Consultation phone"),
    ("complaint_phone", "投诉电话", "Complaint phone"),
)
KIND_CODES = tuple(k for k, _, _ in KINDS)
PHONE_KINDS = ("consultation_phone", "complaint_phone")
# Publishing is a role of its own (least privilege): window staff read, they do not publish.
EDITOR_ROLE = "town_notice_editor"


class TownNotice(Base):
    __tablename__ = "town_notice"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # The hall's own numbers (consultation, complaints): public office lines, not personal data.
    phone: Mapped[str] = mapped_column(String(30), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(64))
    # Withdrawn notices stay (who said what, when); the public sees those in force only.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str] = mapped_column(String(64), default="")
