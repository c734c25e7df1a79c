"""Applicants' sign-in by phone and one-time code (decision 8): only identity checks codes.

A code is stored as a hash, for the phone's hash; it works once, for five minutes, with five
tries, and only the newest code of a phone works. Requests are limited per phone (one a minute,
five an hour), durably: the code rows are the log the limits count. Refusals are returned, not
raised, so that their bookkeeping (attempts, audit entries) commits. The audit chain names the
applicant by the phone's hash only (decision 7).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import DomainError, InvalidArgument, ResourceExhausted, Unauthenticated
from govnet_kit.personal import applicant_subject_hash, normalise_mobile
from govnet_kit.ratelimit import TooManyAttempts
from identity.applicant.models import OneTimeCode
from identity.tokens import IssuedToken, Refused, Signer

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# Requests per phone: at most this many within each window.
REQUEST_LIMITS = ((1, timedelta(seconds=60)), (5, timedelta(hours=1)))
# Cheap enough for five tries, still costly to brute-force a leaked row within its five minutes.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_MOBILE = re.compile(r"^1\d{10}$")
_CODE = re.compile(r"^\d{6}$")
# First key of the PostgreSQL advisory locks taken here, so they meet no other lock space.
_LOCK_SPACE = 0x6F746370  # "otcp"


@dataclass(frozen=True)
class CodeToSend:
    """What the edge hands to notify after commit; the plain code lives only here."""

    request_id: str
    phone: str
    code: str
    expires_at: datetime


def normalise_phone(phone: str) -> str:
    """A mainland mobile number as 11 digits: without spaces, dashes and a +86 / 86 prefix."""
    digits = normalise_mobile(phone)
    if not _MOBILE.match(digits):
        raise InvalidArgument(
            "phone must be a mainland mobile number", message_zh="手机号码格式不正确", field="phone"
        )
    return digits


def phone_hash(phone: str) -> str:
    normalise_phone(phone)  # refuses what is not a mobile number
    return applicant_subject_hash(phone)


def applicant_subject(phone: str) -> str:
    return f"applicant:{phone_hash(phone)}"


async def _lock_phone(session: AsyncSession, hashed: str) -> None:
    """Serialise one phone's requests and verifications until commit (SQLite has one writer)."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.execute(
            select(func.pg_advisory_xact_lock(_LOCK_SPACE, func.hashtext(hashed)))
        )


async def request_code(
    session: AsyncSession, *, phone: str, now: datetime | None = None
) -> CodeToSend | Refused:
    now = now or utcnow()
    number = normalise_phone(phone)
    hashed = phone_hash(number)
    actor = f"applicant:{hashed}"
    await _lock_phone(session, hashed)
    for limit, window in REQUEST_LIMITS:
        recent = list(
            await session.scalars(
                select(OneTimeCode.created_at)
                .where(OneTimeCode.phone_hash == hashed, OneTimeCode.created_at > now - window)
                .order_by(OneTimeCode.created_at)
            )
        )
        if len(recent) >= limit:
            wait = int((recent[-limit] + window - now).total_seconds()) + 1
            await audit.append(
                session,
                actor=actor,
                action="one_time_code.request_refused",
                data={"reason": f"more than {limit} in {int(window.total_seconds())} s"},
            )
            return Refused(TooManyAttempts(max(wait, 1)))
    code = f"{secrets.randbelow(10**6):06d}"
    row = OneTimeCode(
        phone_hash=hashed,
        code_hash=_hasher.hash(code),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    session.add(row)
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="one_time_code.requested",
        subject_ref=f"one_time_code:{row.id}",
    )
    return CodeToSend(request_id=row.id, phone=number, code=code, expires_at=row.expires_at)


def _wrong() -> Unauthenticated:
    return Unauthenticated("wrong or expired code", message_zh="验证码错误或已过期")


async def verify_code(
    session: AsyncSession,
    *,
    signer: Signer,
    phone: str,
    code: str,
    ttl_s: int,
    now: datetime | None = None,
) -> tuple[str, IssuedToken] | Refused:
    """The applicant's subject and access token, or a refusal whose bookkeeping must commit."""
    now = now or utcnow()
    hashed = phone_hash(phone)
    actor = f"applicant:{hashed}"
    await _lock_phone(session, hashed)
    row = await session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.phone_hash == hashed)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
        .with_for_update()
    )

    async def refuse(reason: str, error: DomainError) -> Refused:
        await audit.append(
            session,
            actor=actor,
            action="one_time_code.refused",
            subject_ref=f"one_time_code:{row.id}" if row is not None else None,
            data={"reason": reason},
        )
        return Refused(error)

    if row is None:
        return await refuse("no code requested", _wrong())
    if row.used_at is not None:
        return await refuse("code already used", _wrong())
    if row.expires_at <= now:
        return await refuse("code expired", _wrong())
    if row.attempts >= MAX_ATTEMPTS:
        return await refuse(
            "too many wrong codes",
            ResourceExhausted(
                "too many wrong codes; request a new one",
                message_zh="验证码错误次数过多，请重新获取",
            ),
        )
    try:
        verified = bool(_CODE.match(code or "")) and _hasher.verify(row.code_hash, code)
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified:
        # Atomic, so that concurrent guesses each count.
        await session.execute(
            update(OneTimeCode)
            .where(OneTimeCode.id == row.id)
            .values(attempts=OneTimeCode.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return await refuse("wrong code", _wrong())
    # Fenced: of two concurrent right answers only one uses the code.
    used = await session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == row.id, OneTimeCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return await refuse("code already used", _wrong())
    token, exp = signer.access_token({"sub": actor, "kind": "applicant"}, ttl_s)
    await audit.append(
        session,
        actor=actor,
        action="one_time_code.verified",
        subject_ref=f"one_time_code:{row.id}",
    )
    return actor, IssuedToken(token, exp)
