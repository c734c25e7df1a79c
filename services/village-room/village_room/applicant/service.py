"""Applicants: staff name a villager by ID card number (found by its keyed hash); an applicant
signed in with a one-time code sees only their own cases (A2, decision 8).

Identity names the applicant "applicant:<sha256 hex of the normalised phone>"; the village
keeps an HMAC of that hash under its own look-up key on every applicant row it accepts
(indexed), so the look-up never needs the number, a stolen table does not give the numbers
away by brute force, and someone else's case is simply not found.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.auth import Principal
from govnet_kit.errors import InvalidArgument, NotFound, PermissionDenied
from govnet_kit.personal import applicant_subject_hash, mask_id_number, valid_id_number
from govnet_kit.pii import lookup_hash
from village_room.case.models import Applicant, VillageCase
from village_room.visit.schemas import ID

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


# Digits (and a final X) name a person by ID card number; record ids are UUIDs, with dashes.
_ID_NUMBER_LIKE = re.compile(r"^\d+[Xx]?$")
MALFORMED_ID_NUMBER = (
    "身份证号格式不正确（应为18位，末位为校验码）",
    "a malformed ID card number (18 characters, the last a check character)",
)


def person_ref_error(ref: str) -> tuple[str, str] | None:
    """Why `ref` names no one, (Chinese, English), or None. Staff name a villager by their
    18-character resident ID card number (the usual way) or by their record id."""
    if _ID_NUMBER_LIKE.match(ref):
        return None if valid_id_number(ref) else MALFORMED_ID_NUMBER
    if re.fullmatch(ID, ref):
        return None
    return ("格式不正确：请填写身份证号或登记编号", "neither an ID card number nor a record number")


async def here_by_id_number(
    session: AsyncSession, *, id_number: str, place_code: str, field: str
) -> str:
    """The record id of the person with this ID card number at this village, found by its keyed
    hash (nothing is decrypted). Each acceptance keeps the details as given then, so someone who
    applied twice has two records: the latest is taken. Another village's records are not
    searched, and an erased record's hash is cleared, so neither is found."""
    if not valid_id_number(id_number):
        zh, en = MALFORMED_ID_NUMBER
        raise InvalidArgument(en, message_zh=zh, field=field)
    found = await session.scalar(
        select(Applicant.id)
        .where(
            Applicant.place_code == place_code,
            Applicant.id_number_hash == id_number_hash(id_number),
        )
        .order_by(Applicant.created_at.desc(), Applicant.id)
        .limit(1)
    )
    if found is None:
        masked = mask_id_number(id_number)
        raise InvalidArgument(
            f"no one registered at this village with that ID number ({masked})",
            message_zh=f"本村无此身份证号的登记（{masked}）",
            field=field,
        )
    return found


async def resolve_here(
    session: AsyncSession, refs: list[str], *, place_code: str, field: str
) -> list[str]:
    """People named by ID card number or record id, as record ids of this village (in order).
    A record id is passed on as given: the service recording the matter checks it is here."""
    out = []
    for ref in refs:
        why = person_ref_error(ref)
        if why is not None:
            raise InvalidArgument(why[1], message_zh=why[0], field=field)
        if _ID_NUMBER_LIKE.match(ref):
            ref = await here_by_id_number(
                session, id_number=ref, place_code=place_code, field=field
            )
        out.append(ref)
    return out


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
