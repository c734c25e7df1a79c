"""Cases at the township hall, one table for every township it serves (decision 4)."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted


class TownCase(Base):
    __tablename__ = "town_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    query_code: Mapped[str] = mapped_column(String(20))
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    origin_place_code: Mapped[str] = mapped_column(String(12), index=True)
    item_code: Mapped[str] = mapped_column(String(50))
    item_version: Mapped[int]
    department_code: Mapped[str] = mapped_column(String(50))
    status: Mapped[int]
    # Personal data, encrypted at rest (govnet_kit.pii, docs/privacy.md).
    applicant_name: Mapped[str] = mapped_column(Encrypted("town_case.applicant_name"))
    applicant_id_number: Mapped[str] = mapped_column(Encrypted("town_case.applicant_id_number"))
    accepted_at: Mapped[datetime]
    deadline: Mapped[datetime] = mapped_column(index=True)
    agent_staff_id: Mapped[str] = mapped_column(String(36), default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class TownCaseMaterial(Base):
    __tablename__ = "town_case_material"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("town_case.id"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class TownDecision(Base):
    """The decision made above, fetched over gRPC when its event arrives (decision 1)."""

    __tablename__ = "town_decision"

    case_id: Mapped[str] = mapped_column(ForeignKey("town_case.id"), primary_key=True)
    status: Mapped[int]
    result_document_number: Mapped[str] = mapped_column(String(60), default="")
    document_title: Mapped[str] = mapped_column(String(200))
    document_text: Mapped[str] = mapped_column(Text)
    legal_reason: Mapped[str] = mapped_column(Text, default="")
    department_code: Mapped[str] = mapped_column(String(50))
    decided_by: Mapped[str] = mapped_column(String(36))
    decided_at: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
