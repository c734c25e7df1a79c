"""The hall's report box (S3): a citizen's complaint or report, kept here until the city's
supervisors' queue has it (report/flows.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted


class TownReport(Base):
    __tablename__ = "town_report"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # CP-<township>-<yyyymmdd>-<sequence>: the number the citizen quotes, here and at the city.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # complaint | report
    content: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str] = mapped_column(String(40), default="")
    window_code: Mapped[str] = mapped_column(String(50), default="")
    person: Mapped[str] = mapped_column(String(100), default="")  # as the citizen names them
    # Personal data and a secret, encrypted, and kept only until the city has them: the
    # supervisors reply from there (docs/privacy.md).
    contact: Mapped[str | None] = mapped_column(Encrypted("town_report.contact"))
    follow_code: Mapped[str | None] = mapped_column(Encrypted("town_report.follow_code"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    forwarded_at: Mapped[datetime | None]
    city_status: Mapped[str] = mapped_column(String(20), default="")


class TownReportSequence(Base):
    """Report numbers per township and Shanghai day, like case numbers (decision 5)."""

    __tablename__ = "town_report_sequence"

    township_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
