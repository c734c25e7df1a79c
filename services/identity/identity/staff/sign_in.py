"""Sign-in: staff by password with lockout, services and integration clients by client
secret; each gets an access token. Only identity checks passwords (decision 8)."""

from __future__ import annotations

import hmac
from collections.abc import Collection
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import Unauthenticated
from govnet_kit.worktime import SHANGHAI
from identity.staff import passwords
from identity.staff.models import IntegrationClient, Staff
from identity.tokens import IssuedToken, Refused, Signer

# Brute force: after this many wrong passwords in a row the account waits (rate limit).
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)


def session_ttl_s(
    place_code: str, now: datetime, *, ttl_s: int, day_places: Collection[str]
) -> int:
    """At an edge node's places (decision 4) a staff session lasts the working day: until
    24:00 Asia/Shanghai of the day of sign-in, so a link that drops during the day locks nobody
    out (tokens are verified there with the cached key set). Never shorter than `ttl_s`."""
    if place_code not in day_places:
        return ttl_s
    local = now.astimezone(SHANGHAI)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    return max(ttl_s, int((midnight - local).total_seconds()))


async def sign_in(
    *,
    session: AsyncSession,
    signer: Signer,
    username: str,
    password: str,
    ttl_s: int,
    day_places: Collection[str] = (),
) -> tuple[Staff, IssuedToken] | Refused:
    """A refusal is returned, not raised, so that the failed count and its audit entry commit."""
    # Locked, so a sign-in with the old password and a reset or suspension never interleave:
    # either this token is issued before the sessions are ended (and is ended with them) or
    # the sign-in reads the account as it is after.
    staff = await session.scalar(select(Staff).where(Staff.username == username).with_for_update())
    now = utcnow()
    if staff is not None and staff.locked_until is not None and staff.locked_until > now:
        await audit.append(session, actor=f"staff:{staff.id}", action="sign_in.locked")
        return Refused(
            Unauthenticated(
                "too many wrong passwords; try again later",
                message_zh="密码错误次数过多，请稍后再试",
            )
        )
    verified = passwords.verify(staff.password_hash if staff else None, password)
    if not verified or staff is None or not staff.active:
        if staff is not None:
            staff.failed_sign_ins += 1
            if staff.failed_sign_ins >= MAX_FAILED_SIGN_INS:
                staff.locked_until = now + LOCKOUT
                staff.failed_sign_ins = 0
            await audit.append(session, actor=f"staff:{staff.id}", action="sign_in.refused")
        return Refused(
            Unauthenticated("wrong user name or password", message_zh="用户名或密码错误")
        )
    staff.failed_sign_ins = 0
    staff.locked_until = None
    token, exp = signer.access_token(
        {
            "sub": staff.id,
            "kind": "staff",
            "roles": staff.roles,
            "tier": staff.tier,
            "place": staff.place_code,
            "dept": staff.department_code,
            "name": staff.display_name,  # receipts name who collected (not applicant data)
        },
        session_ttl_s(staff.place_code, now, ttl_s=ttl_s, day_places=day_places),
    )
    return staff, IssuedToken(token, exp)


async def issue_service_token(
    *,
    session: AsyncSession,
    signer: Signer,
    clients: dict[str, str],
    client_id: str,
    client_secret: str,
    ttl_s: int,
) -> IssuedToken:
    """govnet's own services (configured secrets), or a registered integration client (A3)."""
    expected = clients.get(client_id)
    if expected is not None:
        if not hmac.compare_digest(expected, client_secret):
            raise Unauthenticated("unknown client or wrong secret", message_zh="客户端认证失败")
        token, exp = signer.access_token(
            {"sub": f"service:{client_id}", "kind": "service", "roles": ["service"]}, ttl_s
        )
        return IssuedToken(token, exp)
    client = await session.scalar(
        select(IntegrationClient).where(IntegrationClient.client_id == client_id)
    )
    verified = passwords.verify(client.secret_hash if client else None, client_secret)
    verified = verified and client is not None and client.active
    if not verified or client is None:
        raise Unauthenticated("unknown client or wrong secret", message_zh="客户端认证失败")
    token, exp = signer.access_token(
        {
            "sub": f"client:{client.client_id}",
            "kind": "integration",
            "methods": client.methods,
            "places": client.places,
            "subjects": client.subjects,
            "sandbox": client.sandbox,
        },
        ttl_s,
    )
    return IssuedToken(token, exp)
