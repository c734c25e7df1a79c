"""Staff accounts: sign-in with lockout, service tokens, and the administrators' keeping of
accounts (create, suspend, re-scope). Only identity checks passwords (decision 8)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Collection
from datetime import datetime, time, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import String, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from govnet_kit.worktime import SHANGHAI
from identity.delegation import service as delegation_service
from identity.delegation.service import publish_revoked
from identity.staff.models import IntegrationClient, Staff
from identity.tokens import IssuedToken, Refused, Signer

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("govnet-no-such-user")
# Brute force: after this many wrong passwords in a row the account waits (rate limit).
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
TIERS = {"village", "town", "city"}
ROLES = {
    "village_staff",
    "town_window",
    "town_head",
    "town_notice_editor",
    "chief_representative",
    "department_head",
    "supervisor",
    "administrator",
}
MIN_PASSWORD = 12
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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
    try:
        _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, password)
        verified = staff is not None
    except (VerificationError, InvalidHashError):
        verified = False
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
    try:
        _hasher.verify(client.secret_hash if client else _DUMMY_HASH, client_secret)
        verified = client is not None and client.active
    except (VerificationError, InvalidHashError):
        verified = False
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


async def register_client(
    session: AsyncSession,
    *,
    actor: Principal,
    name: str,
    methods: list[str],
    places: list[str],
    subjects: list[str],
    sandbox: bool,
) -> tuple[IntegrationClient, str]:
    """Returns the client and its secret, shown this once and stored only as a hash."""
    _require_admin(actor)
    if not name:
        raise InvalidArgument("name is required", field="name")
    if not methods or any(not m.startswith("/govnet.") for m in methods):
        raise InvalidArgument("name the govnet RPCs the client may call", field="methods")
    for place in places:
        if not (len(place) == 12 and place.isdigit()):
            raise InvalidArgument(f"{place} is not a 12-digit division code", field="places")
    secret = secrets.token_urlsafe(32)
    client = IntegrationClient(
        client_id=f"{'sandbox' if sandbox else 'client'}-{secrets.token_hex(6)}",
        secret_hash=_hasher.hash(secret),
        name=name,
        methods=sorted(set(methods)),
        places=sorted(set(places)),
        subjects=sorted(set(subjects)),
        sandbox=sandbox,
        created_by=actor.subject,
    )
    session.add(client)
    await session.flush()
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="integration_client.registered",
        subject_ref=f"client:{client.client_id}",
        data={
            "methods": client.methods,
            "places": client.places,
            "subjects": client.subjects,
            "sandbox": sandbox,
        },
    )
    return client, secret


def _require_admin(actor: Principal) -> None:
    if not actor.has_role("administrator"):
        raise PermissionDenied("administrators only", message_zh="仅限管理员")


def _check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise InvalidArgument(
            "tier must be village, town or city",
            message_zh="层级须为村、乡镇或市",
            field="tier",
        )


def _check_place(place_code: str) -> None:
    if not (len(place_code) == 12 and place_code.isdigit()):
        raise InvalidArgument(
            "place_code must be a 12-digit division code",
            message_zh="地区代码须为12位行政区划代码",
            field="place_code",
        )


def _check_roles(roles: Collection[str], *, field: str = "roles") -> None:
    unknown = sorted(set(roles) - ROLES)
    if unknown:
        raise InvalidArgument(
            f"unknown roles: {', '.join(unknown)}",
            message_zh=f"没有这个角色：{'、'.join(unknown)}",
            field=field,
        )


def _check_scope(tier: str, place_code: str, roles: list[str]) -> None:
    _check_tier(tier)
    _check_place(place_code)
    if not roles:
        raise InvalidArgument(
            "give the account at least one role", message_zh="请至少选择一个角色", field="roles"
        )
    _check_roles(roles)


async def create_staff(
    session: AsyncSession,
    *,
    actor: Principal,
    username: str,
    password: str,
    display_name: str,
    tier: str,
    place_code: str,
    department_code: str,
    roles: list[str],
) -> Staff:
    """`password` is the first password, chosen by the caller or by `initial_password()`."""
    _require_admin(actor)
    if not username:
        raise InvalidArgument("username is required", message_zh="请填写用户名", field="username")
    if len(username) > 100 or any(c.isspace() for c in username):
        raise InvalidArgument(
            "a user name has at most 100 characters and no spaces",
            message_zh="用户名不超过100个字符，且不含空格",
            field="username",
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidArgument(
            f"password needs at least {MIN_PASSWORD} characters",
            message_zh=f"密码至少{MIN_PASSWORD}个字符",
            field="password",
        )
    if len(display_name) > 100:
        raise InvalidArgument(
            "a name has at most 100 characters",
            message_zh="姓名不超过100个字符",
            field="display_name",
        )
    _check_scope(tier, place_code, roles)
    if await session.scalar(select(Staff.id).where(Staff.username == username)):
        raise Conflict(
            f"user name {username} is taken",
            message_zh=f"用户名 {username} 已被使用",
            field="username",
        )
    staff = Staff(
        username=username,
        password_hash=hash_password(password),
        display_name=display_name or username,
        tier=tier,
        place_code=place_code,
        department_code=department_code,
        roles=sorted(set(roles)),
    )
    session.add(staff)
    await session.flush()
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="staff.created",
        subject_ref=f"staff:{staff.id}",
        data={
            "tier": tier,
            "place": place_code,
            "department": department_code,
            "roles": staff.roles,
        },
    )
    return staff


async def _get(session: AsyncSession, staff_id: str, *, lock: bool = False) -> Staff:
    staff = await session.get(Staff, staff_id, with_for_update=lock) if staff_id else None
    if staff is None:
        raise NotFound(
            f"no staff account {staff_id}", message_zh="没有这个工作人员账号", field="staff_id"
        )
    return staff


def initial_password() -> str:
    """A first password for a new account, shown to the administrator once (20 characters,
    about 120 bits); identity keeps only its hash."""
    return secrets.token_urlsafe(15)


async def get_staff(session: AsyncSession, *, actor: Principal, staff_id: str) -> Staff:
    _require_admin(actor)
    return await _get(session, staff_id)


async def list_staff(
    session: AsyncSession,
    *,
    actor: Principal,
    place_code: str = "",
    role: str = "",
    tier: str = "",
    department_code: str = "",
    after: str = "",
    limit: int = PAGE_SIZE,
) -> tuple[list[Staff], bool]:
    """Accounts by user name after `after` (keyset paging), at most `limit`, and whether more
    follow. Suspended accounts are listed too: the administrator sees them as suspended."""
    _require_admin(actor)
    query = select(Staff).order_by(Staff.username).limit(limit + 1)
    if place_code:
        _check_place(place_code)
        query = query.where(Staff.place_code == place_code)
    if tier:
        _check_tier(tier)
        query = query.where(Staff.tier == tier)
    if department_code:
        query = query.where(Staff.department_code == department_code)
    if role:
        _check_roles([role], field="role")
        # Roles are a JSON list; its text holds each role in quotes, on SQLite and PostgreSQL.
        query = query.where(cast(Staff.roles, String).contains(f'"{role}"', autoescape=True))
    if after:
        query = query.where(Staff.username > after)
    rows = list((await session.scalars(query)).all())
    return rows[:limit], len(rows) > limit


def end_sessions(session: AsyncSession, staff: Staff, *, reason: str) -> None:
    """Ends the account's open sessions and credentials: identity refuses them from its own
    table, every other service from the GrantRevoked event (same time), by `iat`. The edge
    answers only once this second is over (`flows.after_sessions_ended`), so the next
    sign-in's token carries a later `iat` and passes."""
    staff.sessions_ended_at = utcnow()
    publish_revoked(session, at=staff.sessions_ended_at, staff_id=staff.id, reason=reason)


async def suspend_staff(
    session: AsyncSession, *, actor: Principal, staff_id: str, reason: str
) -> Staff:
    """Suspension also withdraws every credential the account holds, everywhere (NATS)."""
    _require_admin(actor)
    staff = await _get(session, staff_id, lock=True)
    if staff.active:
        staff.active = False
        end_sessions(session, staff, reason=reason[:500])
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="staff.suspended",
            subject_ref=f"staff:{staff.id}",
            data={"reason": reason[:500]},
        )
    return staff


async def rescope_staff(
    session: AsyncSession,
    *,
    actor: Principal,
    staff_id: str,
    tier: str,
    place_code: str,
    department_code: str,
    roles: list[str],
) -> Staff:
    _require_admin(actor)
    _check_scope(tier, place_code, roles)
    staff = await _get(session, staff_id)
    before = {
        "tier": staff.tier,
        "place": staff.place_code,
        "department": staff.department_code,
        "roles": staff.roles,
    }
    staff.tier, staff.place_code, staff.department_code = tier, place_code, department_code
    staff.roles = sorted(set(roles))
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="staff.rescoped",
        subject_ref=f"staff:{staff.id}",
        data={
            "before": before,
            "after": {
                "tier": tier,
                "place": place_code,
                "department": department_code,
                "roles": staff.roles,
            },
        },
    )
    return staff


async def reactivate_staff(
    session: AsyncSession, *, actor: Principal, staff_id: str, reason: str
) -> Staff:
    """The account signs in again (the lockout lifted too); what it held before the suspension
    stays withdrawn (`delegation.service.withdraw_held`)."""
    _require_admin(actor)
    staff = await _get(session, staff_id)
    if not staff.active:
        staff.active = True
        staff.failed_sign_ins, staff.locked_until = 0, None
        await delegation_service.withdraw_held(session, actor=actor, staff_id=staff.id)
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="staff.reactivated",
            subject_ref=f"staff:{staff.id}",
            data={"reason": reason[:500]},
        )
    return staff


async def reset_password(
    session: AsyncSession, *, actor: Principal, staff_id: str
) -> tuple[Staff, str]:
    """A new password chosen by identity, returned this once (never logged, never audited),
    kept as a hash; the lockout is lifted, since the holder may have locked it forgetting.
    Whoever knew the old one is signed out everywhere: the open sessions end."""
    _require_admin(actor)
    staff = await _get(session, staff_id, lock=True)
    password = initial_password()
    staff.password_hash = hash_password(password)
    staff.failed_sign_ins, staff.locked_until = 0, None
    end_sessions(session, staff, reason="password reset")
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="staff.password_reset",
        subject_ref=f"staff:{staff.id}",
    )
    return staff, password
