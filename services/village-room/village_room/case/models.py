"""Applicants, cases, one-time notices and replies at the village service room (L1, T4)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.pii import Encrypted


class Applicant(Base):
    """Personal data stays here; events and audit entries refer to it by id only (decisions 2, 7).

    Name, ID number and phone are encrypted at rest (govnet_kit.pii); rows are found by keyed
    hashes, never by decrypting (docs/privacy.md)."""

    __tablename__ = "applicant"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(Encrypted("applicant.name"))
    id_number: Mapped[str] = mapped_column(Encrypted("applicant.id_number"))
    # HMAC of the upper-cased ID number: a person's rows, found without decrypting any.
    id_number_hash: Mapped[str] = mapped_column(
        String(64), index=True, default="", server_default=""
    )
    phone: Mapped[str] = mapped_column(Encrypted("applicant.phone"))
    # HMAC of the sha256 hex of the normalised phone: an applicant signed in with a one-time
    # code is "applicant:<sha256 hex>" and sees the cases of every row with its HMAC
    # (village_room.applicant.service.phone_key).
    phone_hash: Mapped[str] = mapped_column(String(64), index=True, default="", server_default="")
    language: Mapped[str] = mapped_column(String(5), default="zh")
    channel: Mapped[str] = mapped_column(String(10), default="sms")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseSequence(Base):
    """Case numbers per place and day, issued without coordination (decision 5)."""

    __tablename__ = "case_sequence"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class VillageCase(Base):
    __tablename__ = "village_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    query_code: Mapped[str] = mapped_column(String(20))
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    item_code: Mapped[str] = mapped_column(String(50))
    item_version: Mapped[int]
    department_code: Mapped[str] = mapped_column(String(50))
    applicant_id: Mapped[str] = mapped_column(ForeignKey("applicant.id"))
    # First-inquiry responsibility (L3): the staff member who accepted owns the case here.
    agent_staff_id: Mapped[str] = mapped_column(String(36))
    visit_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[int]
    accepted_at: Mapped[datetime]
    deadline: Mapped[datetime] = mapped_column(index=True)
    calendar_warning: Mapped[str | None] = mapped_column(Text)
    # What the deciding tier asked to supplement, while the case is suspended (L2).
    supplement_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    supplements: Mapped[int] = mapped_column(default=0, server_default="0")
    # A withdrawal asked for and on its way up (L4); the status changes when it is confirmed.
    withdrawal_requested_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


class VillageCaseMaterial(Base):
    __tablename__ = "village_case_material"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("village_case.id"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # 0: handed in at acceptance; n: the n-th supplement asked for by the deciding tier.
    supplement_no: Mapped[int] = mapped_column(default=0, server_default="0")


class CaseStep(Base):
    """Every step of a case at any tier, as its thin event told it: the applicant's record (L3)."""

    __tablename__ = "village_case_step"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("village_case.id"), index=True)
    tier: Mapped[int]
    status: Mapped[int]
    reason_code: Mapped[str] = mapped_column(String(50), default="")
    acting_staff_id: Mapped[str] = mapped_column(String(36), default="")
    occurred_at: Mapped[datetime]


class OneTimeNotice(Base):
    """Everything missing, told once and completely (一次性告知, L1)."""

    __tablename__ = "one_time_notice"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    place_code: Mapped[str] = mapped_column(String(12), index=True)
    visit_id: Mapped[str | None] = mapped_column(String(36))
    item_code: Mapped[str] = mapped_column(String(50))
    item_version: Mapped[int]
    staff_id: Mapped[str] = mapped_column(String(36))
    missing: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reply(Base):
    """The decision as the village hands it over (T4 reply, L4)."""

    __tablename__ = "village_reply"

    case_id: Mapped[str] = mapped_column(ForeignKey("village_case.id"), primary_key=True)
    decision_status: Mapped[int]
    result_document_number: Mapped[str] = mapped_column(String(60), default="")
    document_title: Mapped[str] = mapped_column(String(200))
    document_text: Mapped[str] = mapped_column(Text)
    legal_reason: Mapped[str] = mapped_column(Text, default="")
    ready_at: Mapped[datetime] = mapped_column(default=utcnow)
    handed_over_at: Mapped[datetime | None]
