"""Staff accounts as administrators keep them: create, list, suspend, re-scope, reactivate,
reset a password; a suspension or reset ends the account's sessions. Sign-in is in
`sign_in`, integration clients in `integration`; their names are importable from here too."""

from __future__ import annotations

from sqlalchemy import String, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound
from identity.delegation import service as delegation_service
from identity.delegation.service import publish_revoked
from identity.staff.integration import register_client
from identity.staff.models import Staff
from identity.staff.passwords import hash_password, initial_password
from identity.staff.rules import (
    ROLES,
    TIERS,
    check_place,
    check_roles,
    check_scope,
    check_tier,
    require_admin,
)
from identity.staff.sign_in import (
    LOCKOUT,
    MAX_FAILED_SIGN_INS,
    issue_service_token,
    session_ttl_s,
    sign_in,
)

__all__ = [
    "LOCKOUT",
    "MAX_FAILED_SIGN_INS",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "ROLES",
    "TIERS",
    "create_staff",
    "end_sessions",
    "get_staff",
    "hash_password",
    "initial_password",
    "issue_service_token",
    "list_staff",
    "reactivate_staff",
    "register_client",
    "rescope_staff",
    "reset_password",
    "session_ttl_s",
    "sign_in",
    "suspend_staff",
]

MIN_PASSWORD = 12
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


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
    require_admin(actor)
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
    check_scope(tier, place_code, roles)
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


async def get_staff(session: AsyncSession, *, actor: Principal, staff_id: str) -> Staff:
    require_admin(actor)
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
    require_admin(actor)
    query = select(Staff).order_by(Staff.username).limit(limit + 1)
    if place_code:
        check_place(place_code)
        query = query.where(Staff.place_code == place_code)
    if tier:
        check_tier(tier)
        query = query.where(Staff.tier == tier)
    if department_code:
        query = query.where(Staff.department_code == department_code)
    if role:
        check_roles([role], field="role")
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
    require_admin(actor)
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
    require_admin(actor)
    check_scope(tier, place_code, roles)
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
    require_admin(actor)
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
    require_admin(actor)
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
