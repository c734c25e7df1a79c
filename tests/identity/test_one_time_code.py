"""Applicants' one-time codes in identity (decision 8): a code works once, within five minutes
and five tries; requests are limited per phone, durably; everything is audited by the phone's
hash, never the number or the code. The clock is injected, so nothing sleeps."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import pytest_asyncio
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

import identity.models  # noqa: F401 - registers the service's tables
from govnet_kit import audit
from govnet_kit.auth import ACCESS_TYP, ALGORITHMS
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import InvalidArgument, ResourceExhausted, Unauthenticated
from identity.applicant import service
from identity.applicant.models import OneTimeCode
from identity.tokens import Refused, Signer
from tests.dbkit import fresh_sessions

SIGNER = Signer([Signer.generate_jwk()])
PHONE = "13800138000"
HASH = hashlib.sha256(PHONE.encode()).hexdigest()


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as made:
        yield made


async def request(sessions, phone=PHONE, now=None):
    async with transaction(sessions) as s:
        return await service.request_code(s, phone=phone, now=now or utcnow())


async def verify(sessions, code, phone=PHONE, now=None):
    async with transaction(sessions) as s:
        return await service.verify_code(
            s, signer=SIGNER, phone=phone, code=code, ttl_s=3600, now=now or utcnow()
        )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def entries(sessions):
    async with transaction(sessions) as s:
        return list(await s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq)))


async def test_a_code_signs_in_once_as_the_phone_hash(sessions):
    sent = await request(sessions)
    assert not isinstance(sent, Refused)
    assert sent.phone == PHONE and len(sent.code) == 6 and sent.code.isdigit()

    outcome = await verify(sessions, sent.code)
    assert not isinstance(outcome, Refused)
    subject, issued = outcome
    assert subject == f"applicant:{HASH}"
    token = jwt.decode(issued.token, KeySet.import_key_set(SIGNER.jwks()), algorithms=ALGORITHMS)
    assert token.header["typ"] == ACCESS_TYP
    assert token.claims["sub"] == subject and token.claims["kind"] == "applicant"
    assert token.claims["exp"] - token.claims["iat"] == 3600

    replay = await verify(sessions, sent.code)
    assert isinstance(replay, Refused) and isinstance(replay.error, Unauthenticated)


async def test_only_a_hash_of_the_code_is_stored_and_audit_names_the_phone_hash(sessions):
    sent = await request(sessions)
    await verify(sessions, wrong(sent.code))
    await verify(sessions, sent.code)
    async with transaction(sessions) as s:
        row = await s.scalar(select(OneTimeCode))
    assert row.phone_hash == HASH and sent.code not in row.code_hash
    chain = await entries(sessions)
    assert [e.action for e in chain] == [
        "one_time_code.requested",
        "one_time_code.refused",
        "one_time_code.verified",
    ]
    for e in chain:
        assert e.actor == f"applicant:{HASH}"
        text = f"{e.actor} {e.subject_ref} {e.data}"
        assert PHONE not in text and sent.code not in text
    async with transaction(sessions) as s:
        assert (await audit.verify(s)).ok


async def test_the_number_is_normalised_and_checked(sessions):
    sent = await request(sessions, phone="+86 138-0013-8000")
    assert not isinstance(sent, Refused) and sent.phone == PHONE
    outcome = await verify(sessions, sent.code, phone="8613800138000")
    assert not isinstance(outcome, Refused) and outcome[0] == f"applicant:{HASH}"
    with pytest.raises(InvalidArgument):
        await request(sessions, phone="12345")


async def test_wrong_codes_count_and_lock_after_five(sessions):
    sent = await request(sessions)
    for _ in range(service.MAX_ATTEMPTS):
        refused = await verify(sessions, wrong(sent.code))
        assert isinstance(refused, Refused) and isinstance(refused.error, Unauthenticated)
    async with transaction(sessions) as s:
        assert (await s.scalar(select(OneTimeCode))).attempts == service.MAX_ATTEMPTS
    # Locked: even the right code is refused now; only a new code helps.
    locked = await verify(sessions, sent.code)
    assert isinstance(locked, Refused) and isinstance(locked.error, ResourceExhausted)
    fresh = await request(sessions, now=utcnow() + timedelta(seconds=61))
    assert not isinstance(await verify(sessions, fresh.code), Refused)


async def test_a_code_expires_after_five_minutes(sessions):
    start = utcnow()
    sent = await request(sessions, now=start)
    late = await verify(sessions, sent.code, now=start + service.CODE_TTL)
    assert isinstance(late, Refused) and isinstance(late.error, Unauthenticated)
    in_time = await request(sessions, now=start + timedelta(minutes=6))
    ok = await verify(sessions, in_time.code, now=start + timedelta(minutes=10, seconds=59))
    assert not isinstance(ok, Refused)


async def test_only_the_newest_code_works(sessions):
    start = utcnow()
    first = await request(sessions, now=start)
    second = await request(sessions, now=start + timedelta(seconds=61))
    if first.code != second.code:
        assert isinstance(
            await verify(sessions, first.code, now=start + timedelta(seconds=62)), Refused
        )
    assert not isinstance(
        await verify(sessions, second.code, now=start + timedelta(seconds=63)), Refused
    )


async def test_requests_are_limited_per_phone_per_minute_and_hour(sessions):
    start = utcnow()
    assert not isinstance(await request(sessions, now=start), Refused)
    again = await request(sessions, now=start + timedelta(seconds=30))
    assert isinstance(again, Refused) and isinstance(again.error, ResourceExhausted)
    assert again.error.retry_after == 31
    # Another phone is not held up.
    assert not isinstance(await request(sessions, phone="13900139000", now=start), Refused)
    for minute in range(1, 5):  # five in the hour
        assert not isinstance(
            await request(sessions, now=start + timedelta(minutes=minute)), Refused
        )
    sixth = await request(sessions, now=start + timedelta(minutes=10))
    assert isinstance(sixth, Refused) and isinstance(sixth.error, ResourceExhausted)
    # The refusals committed their audit entries; the hour's first request ages out.
    refused = [e for e in await entries(sessions) if e.action == "one_time_code.request_refused"]
    assert len(refused) == 2
    later = await request(sessions, now=start + timedelta(hours=1, seconds=1))
    assert not isinstance(later, Refused)


async def test_verifying_without_a_code_is_refused_and_audited(sessions):
    refused = await verify(sessions, "123456")
    assert isinstance(refused, Refused) and isinstance(refused.error, Unauthenticated)
    assert [e.action for e in await entries(sessions)] == ["one_time_code.refused"]
