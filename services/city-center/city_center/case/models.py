"""Cases at the city, escalated by townships or applied for online, and the decisions its
departments make on them."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted


class CityCase(Base):
    __tablename__ = "city_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Issued by the accepting tier (decision 5); unique, so a retried escalation is one case.
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    item_code: Mapped[str] = mapped_column(String(50))
    item_version: Mapped[int]
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    origin_place_code: Mapped[str] = mapped_column(String(12), index=True)
    sender_place_code: Mapped[str] = mapped_column(String(12))
    # How the case came to the city (T1): "escalated" by a township, or applied for "online"
    # at the city itself (case/online.py).
    origin: Mapped[str] = mapped_column(String(10), default="escalated", server_default="escalated")
    status: Mapped[int]
    # Personal data of the applicant: needed to decide and to issue the document in their name;
    # encrypted at rest (govnet_kit.pii, docs/privacy.md).
    applicant_name: Mapped[str] = mapped_column(Encrypted("city_case.applicant_name"))
    applicant_id_number: Mapped[str] = mapped_column(Encrypted("city_case.applicant_id_number"))
    # A keyed hash of the slip's query code, for the public look-up (case.lookup); never the code.
    query_code_hash: Mapped[str | None] = mapped_column(String(64))
    accepted_at: Mapped[datetime]
    deadline: Mapped[datetime] = mapped_column(index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    agent_staff_id: Mapped[str] = mapped_column(String(36), default="")
    # First-inquiry responsibility (L3): who took the case; they own it until they hand it on.
    owner_staff_id: Mapped[str] = mapped_column(String(36), default="", server_default="")
    # A project approval's full-process agent (全程代理, L3): center staff who follow the case
    # for the applicant from acceptance to the result, across departments.
    process_agent_staff_id: Mapped[str] = mapped_column(
        String(36), default="", server_default="", index=True
    )
    # The clock (L2): stopped while suspended, with the working days it had left.
    suspended_at: Mapped[datetime | None]
    remaining_days: Mapped[int | None]
    supplement_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    extended_days: Mapped[int] = mapped_column(default=0, server_default="0")


class CaseMaterial(Base):
    __tablename__ = "city_case_material"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("city_case.id"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class CaseDecision(Base):
    """A decision: who decided under which credential, and the document it produced (L4, A1)."""

    __tablename__ = "city_case_decision"

    case_id: Mapped[str] = mapped_column(ForeignKey("city_case.id"), primary_key=True)
    status: Mapped[int]
    result_document_number: Mapped[str] = mapped_column(String(60), default="")
    document_title: Mapped[str] = mapped_column(String(200))
    document_text: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str] = mapped_column(String(50), default="")
    legal_reason: Mapped[str] = mapped_column(Text, default="")
    department_code: Mapped[str] = mapped_column(String(50))
    decided_by: Mapped[str] = mapped_column(String(36))
    credential_id: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The hand-over of an online case's document or letter by the city itself (L4, T1): in
    # person at the department's window or by post with its tracking number; by whom, when.
    handed_over_at: Mapped[datetime | None]
    handed_over_by: Mapped[str] = mapped_column(String(36), default="", server_default="")
    hand_over_channel: Mapped[str] = mapped_column(String(10), default="", server_default="")
    tracking_number: Mapped[str] = mapped_column(String(40), default="", server_default="")


class DocumentSequence(Base):
    """Result document numbers per department and year, without gaps."""

    __tablename__ = "document_sequence"

    department_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class CityCaseSequence(Base):
    """Case numbers of the city's own acceptances (online applications), per place and day
    (decision 5): the city's place code, so they never meet a township's or a village's."""

    __tablename__ = "city_case_sequence"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class OnlineApplicant(Base):
    """Who applied online at the city (T1): the city accepted the case, so it keeps how to reach
    them (the phone, encrypted) and a keyed hash of identity's subject for them, so that only
    the applicant signed in with that phone opens the case's slip (A2)."""

    __tablename__ = "city_online_applicant"

    case_id: Mapped[str] = mapped_column(ForeignKey("city_case.id"), primary_key=True)
    phone: Mapped[str] = mapped_column(Encrypted("city_online_applicant.phone"))
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    channel: Mapped[str] = mapped_column(String(10), default="sms")
