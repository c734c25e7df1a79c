"""Staff reading a person's record (PIPL; decision 7): masked by default; the full record only
with a stated purpose, and every full read is an entry in the audit chain (who, why, when).

Supervisors list one account's reads; an account with more full reads in 24 hours than
UNUSUAL_READS_24H is flagged (and logged as a warning when it crosses the line).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.audit import AuditEntry
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import PermissionDenied
from govnet_kit.personal import mask_id_number, mask_name, mask_phone, mask_text
from govnet_kit.pii import ERASED
from village_room.case import service as case_service
from village_room.case.models import Applicant

log = logging.getLogger(__name__)

READ_ACTION = "personal_data.read"
UNUSUAL_READS_24H = 30


@dataclass(frozen=True)
class ApplicantRecord:
    view: str
    name: str
    id_number: str
    phone: str
    language: str
    channel: str


async def applicant_record(
    session: AsyncSession,
    *,
    principal: Principal,
    case_number: str,
    full: bool,
    purpose: str = "",
) -> ApplicantRecord:
    """The case's applicant for its village's staff; a full read is audited in this transaction."""
    principal.require_staff(tier="village")
    case = await case_service.get_case(session, case_number)
    principal.require_place(case.place_code)
    person = await session.get(Applicant, case.applicant_id)
    assert person is not None
    if not full:
        return ApplicantRecord(
            "masked",
            mask_name(person.name),
            mask_id_number(person.id_number),
            mask_phone(person.phone),
            person.language,
            person.channel,
        )
    actor = f"staff:{principal.subject}"
    await audit.append(
        session,
        actor=actor,
        action=READ_ACTION,
        case_number=case.case_number,
        subject_ref=f"applicant:{person.id}",
        # The purpose is free text: an identifier typed into it is masked, never chained.
        data={"purpose": mask_text(purpose), "fields": ["name", "id_number", "phone"]},
    )
    count = await reads_since(session, actor=actor, since=utcnow() - timedelta(hours=24))
    if count == UNUSUAL_READS_24H + 1:
        log.warning(
            "unusual volume of personal-data reads: %s read %d records in 24 h", actor, count
        )
    return ApplicantRecord(
        "full", person.name, person.id_number, person.phone, person.language, person.channel
    )


@dataclass(frozen=True)
class MaskedPerson:
    """A person a record names, as staff pages show them: masked; empty once erased."""

    name: str
    id_number: str


async def masked_people(
    session: AsyncSession, applicant_ids: Iterable[str], *, place_code: str
) -> dict[str, MaskedPerson]:
    """The people of this village's records (mediation parties, beneficiaries, proposers),
    masked as a record is by default: only name and ID number are read and decrypted (the ID
    number's ends tell two namesakes apart), never the phone; no read is audited, as none is full."""
    wanted = set(applicant_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Applicant.id, Applicant.name, Applicant.id_number).where(
            Applicant.id.in_(wanted), Applicant.place_code == place_code
        )
    )
    return {
        row.id: MaskedPerson("", "")
        if row.name == ERASED
        else MaskedPerson(mask_name(row.name), mask_id_number(row.id_number))
        for row in rows
    }


async def reads_since(session: AsyncSession, *, actor: str, since) -> int:  # type: ignore[no-untyped-def]
    return int(
        await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == READ_ACTION, AuditEntry.actor == actor, AuditEntry.at >= since
            )
        )
        or 0
    )


@dataclass(frozen=True)
class StaffReads:
    staff: str
    reads: list[tuple[AuditEntry, str]]
    last_24h: int
    flagged: bool


async def staff_reads(
    session: AsyncSession, *, principal: Principal, staff_id: str, limit: int = 200
) -> StaffReads:
    """One account's full-record reads, newest first: for supervisors (S1) only."""
    if principal.kind != "staff" or not principal.has_role("supervisor"):
        raise PermissionDenied("supervisors only", message_zh="仅限监察人员")
    actor = f"staff:{staff_id}"
    rows = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == READ_ACTION, AuditEntry.actor == actor)
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
    ).all()
    count = await reads_since(session, actor=actor, since=utcnow() - timedelta(hours=24))
    return StaffReads(
        actor,
        [(r, str(json.loads(r.data).get("purpose", ""))) for r in rows],
        count,
        count > UNUSUAL_READS_24H,
    )
