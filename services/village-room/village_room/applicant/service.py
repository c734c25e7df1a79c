"""An applicant signed in with a one-time code sees only their own cases (A2, decision 8).

Identity names the applicant "applicant:<sha256 hex of the normalised phone>"; the village
keeps an HMAC of that hash under its own look-up key on every applicant row it accepts
(indexed), so the look-up never needs the number, a stolen table does not give the numbers
away by brute force, and someone else's case is simply not found.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.auth import Principal
from govnet_kit.errors import NotFound, PermissionDenied
from govnet_kit.personal import applicant_subject_hash
from govnet_kit.pii import lookup_hash
from village_room.case.models import Applicant, VillageCase

SUBJECT_PREFIX = "applicant:"


def phone_key(subject_hash: str) -> str:
    """The stored look-up key of the applicant whose subject names this sha256 hex."""
    return lookup_hash(subject_hash, context="applicant.phone")


def subject_hash(phone: str) -> str:
    """Identity's rule: the applicant's subject is "applicant:<this>"."""
    return applicant_subject_hash(phone)


def phone_hash(phone: str) -> str:
    return phone_key(subject_hash(phone))


def id_number_hash(id_number: str) -> str:
    return lookup_hash(id_number.strip().upper(), context="applicant.id_number")


def require_applicant(principal: Principal) -> str:
    """The phone hash of a signed-in applicant; staff and services are not applicants."""
    if principal.kind != "applicant" or not principal.subject.startswith(SUBJECT_PREFIX):
        raise PermissionDenied("applicants only", message_zh="仅限申请人本人")
    return principal.subject.removeprefix(SUBJECT_PREFIX)


async def own_cases(session: AsyncSession, *, principal: Principal) -> list[VillageCase]:
    hashed = phone_key(require_applicant(principal))
    return list(
        await session.scalars(
            select(VillageCase)
            .join(Applicant, Applicant.id == VillageCase.applicant_id)
            .where(Applicant.phone_hash == hashed)
            .order_by(VillageCase.accepted_at.desc(), VillageCase.case_number)
        )
    )


async def own_case(session: AsyncSession, *, principal: Principal, case_number: str) -> VillageCase:
    """Someone else's case is "not found", exactly as a case that does not exist."""
    hashed = phone_key(require_applicant(principal))
    case = await session.scalar(
        select(VillageCase)
        .join(Applicant, Applicant.id == VillageCase.applicant_id)
        .where(VillageCase.case_number == case_number, Applicant.phone_hash == hashed)
    )
    if case is None:
        raise NotFound(
            f"no case {case_number} of yours",
            message_zh=f"您名下无此办件：{case_number}",
            field="case_number",
        )
    return case
