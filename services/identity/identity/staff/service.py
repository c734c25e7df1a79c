"""Sign-in, service tokens and the exchange of a delegation for an approval credential."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from identity.staff.models import Delegation, Staff
from identity.tokens import Signer

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("govnet-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: int


async def sign_in(
    *, session: AsyncSession, signer: Signer, username: str, password: str, ttl_s: int
) -> tuple[Staff, IssuedToken]:
    staff = await session.scalar(select(Staff).where(Staff.username == username))
    try:
        _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        staff = None
    if staff is None or not staff.active:
        raise Unauthenticated("wrong user name or password", message_zh="用户名或密码错误")
    token, exp = signer.access_token(
        {
            "sub": staff.id,
            "kind": "staff",
            "roles": staff.roles,
            "tier": staff.tier,
            "place": staff.place_code,
            "dept": staff.department_code,
        },
        ttl_s,
    )
    return staff, IssuedToken(token, exp)


def issue_service_token(
    *, signer: Signer, clients: dict[str, str], client_id: str, client_secret: str, ttl_s: int
) -> IssuedToken:
    expected = clients.get(client_id)
    if expected is None or not hmac.compare_digest(expected, client_secret):
        raise Unauthenticated("unknown client or wrong secret", message_zh="客户端认证失败")
    token, exp = signer.access_token(
        {"sub": f"service:{client_id}", "kind": "service", "roles": ["service"]}, ttl_s
    )
    return IssuedToken(token, exp)


async def active_delegation(
    *, session: AsyncSession, department_code: str, representative_id: str, at: datetime
) -> Delegation | None:
    return await session.scalar(
        select(Delegation)
        .where(
            Delegation.department_code == department_code,
            Delegation.representative_id == representative_id,
            Delegation.revoked_at.is_(None),
            Delegation.valid_from <= at,
            Delegation.valid_until > at,
        )
        .order_by(Delegation.valid_until.desc())
    )


async def exchange_delegation(
    *, session: AsyncSession, signer: Signer, actor: Principal, department_code: str, ttl_s: int
) -> tuple[Delegation, IssuedToken]:
    """RFC 8693-style exchange: the department is the subject, the representative the actor."""
    if actor.kind != "staff":
        raise PermissionDenied("only staff hold delegations", message_zh="仅工作人员可持有授权")
    if not department_code:
        raise InvalidArgument("department_code is required", field="department_code")
    now = utcnow()
    delegation = await active_delegation(
        session=session, department_code=department_code, representative_id=actor.subject, at=now
    )
    if delegation is None:
        raise PermissionDenied(
            f"no valid delegation from department {department_code}",
            message_zh="没有该部门有效的审批授权",
        )
    # A credential never outlives the delegation it comes from.
    ttl = min(ttl_s, int((delegation.valid_until - now).total_seconds()))
    token, exp = signer.approval_credential(
        {
            "sub": f"dept:{department_code}",
            "act": {"sub": actor.subject},
            "items": delegation.item_codes,
            "all_items": delegation.all_items,
            "tier": delegation.tier,
            "delegation": delegation.id,
        },
        ttl,
    )
    return delegation, IssuedToken(token, exp)
