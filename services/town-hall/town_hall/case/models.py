"""Cases at the township hall, one table for every township it serves (decision 4)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, false
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
    # How this hall handles the case: the key of its state machine (govnet_kit.lifecycle):
    # "assisted" (a city item, forwarded), "commitment" or "direct" (the township decides).
    handling: Mapped[str] = mapped_column(String(20), default="assisted", server_default="assisted")
    # The window of the hall that handles the case (by the item's category or department).
    window_code: Mapped[str] = mapped_column(String(50), default="", server_default="", index=True)
    # Accepted at this hall's own window (walk-in), not transmitted by a village.
    walk_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    # First-inquiry responsibility (L3): who took the case; they own it until they hand it on.
    owner_staff_id: Mapped[str] = mapped_column(String(36), default="", server_default="")
    # The clock (L2): stopped while suspended, with the working days it had left.
    suspended_at: Mapped[datetime | None]
    remaining_days: Mapped[int | None]
    supplement_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    calendar_warning: Mapped[str | None] = mapped_column(Text)


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
    # A decision this hall made itself: the credential it was made under (A1) or the default.
    reason_code: Mapped[str] = mapped_column(String(50), default="", server_default="")
    credential_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The hand-over at this hall's window, for its walk-in cases (L4): when, by whom, to whom.
    handed_over_at: Mapped[datetime | None]
    handed_over_by: Mapped[str] = mapped_column(String(36), default="", server_default="")
    recipient_kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    recipient_note: Mapped[str] = mapped_column(String(200), default="", server_default="")


class TownCaseSequence(Base):
    """Case numbers of the township's own acceptances, per place and day (decision 5)."""

    __tablename__ = "town_case_sequence"

    place_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class TownDocumentSequence(Base):
    """Result document numbers per township, department and year, without gaps."""

    __tablename__ = "town_document_sequence"

    township_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    department_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class TownOneTimeNotice(Base):
    """Everything missing, told once and completely, at the township window (L1)."""

    __tablename__ = "town_one_time_notice"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    item_code: Mapped[str] = mapped_column(String(50))
    item_version: Mapped[int]
    staff_id: Mapped[str] = mapped_column(String(36))
    missing: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
