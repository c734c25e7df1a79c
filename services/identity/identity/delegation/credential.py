"""Approval credentials (A1): the exchange of a representative's session for a credential
scoped to the department's delegation (a substitute's names the post holder too), and the
check services make of the grant behind a credential at decision time. Refusals are audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from identity.delegation.substitution import active_substitution
from identity.staff.models import Delegation, Staff, Substitution
from identity.tokens import IssuedToken, Refused, Signer


async def active_delegation(
    session: AsyncSession, *, department_code: str, representative_id: str, at: datetime
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


async def _refuse(
    session: AsyncSession, actor: Principal, reason: str, reason_zh: str, data: dict[str, str]
) -> Refused:
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="credential.refused",
        data={"reason": reason, **data},
    )
    return Refused(PermissionDenied(reason, message_zh=reason_zh))


async def exchange(
    session: AsyncSession,
    *,
    signer: Signer,
    actor: Principal,
    department_code: str,
    on_behalf_of: str,
    ttl_s: int,
) -> tuple[Delegation, IssuedToken] | Refused:
    """RFC 8693-style exchange: the department is the subject, the representative the actor;
    a substitute's credential nests the holder as the prior actor, so both are named."""
    if actor.kind != "staff":
        raise PermissionDenied("only staff hold delegations", message_zh="仅工作人员可持有授权")
    if not department_code:
        raise InvalidArgument("department_code is required", field="department_code")
    now = utcnow()
    facts = {"department": department_code, "on_behalf_of": on_behalf_of}
    staff = await session.get(Staff, actor.subject)
    if staff is None or not staff.active:
        return await _refuse(session, actor, "the account is suspended", "账号已被停用", facts)
    if staff.session_ended(actor.issued_at):  # opened before a password reset
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="credential.refused",
            data={"reason": "session ended", **facts},
        )
        return Refused(
            Unauthenticated(
                "this session has ended; sign in again", message_zh="会话已结束，请重新登录"
            )
        )
    substitution = None
    holder = actor.subject
    if on_behalf_of:
        substitution = await active_substitution(
            session,
            holder_id=on_behalf_of,
            substitute_id=actor.subject,
            department_code=department_code,
            at=now,
        )
        if substitution is None:
            return await _refuse(
                session,
                actor,
                "no current substitution for that post holder",
                "没有有效的同岗替代",
                facts,
            )
        post_holder = await session.get(Staff, on_behalf_of)
        if post_holder is None or not post_holder.active:
            # Services refuse credentials issued before a suspension only (by `iat`), so a
            # substitute must not obtain one for a suspended holder here.
            return await _refuse(
                session,
                actor,
                "the post holder's account is suspended",
                "岗位人账号已被停用",
                facts,
            )
        holder = on_behalf_of
    delegation = await active_delegation(
        session, department_code=department_code, representative_id=holder, at=now
    )
    if delegation is None:
        return await _refuse(
            session,
            actor,
            f"no valid delegation from department {department_code}",
            "没有该部门有效的审批授权",
            facts,
        )
    # A credential never outlives the grants it comes from.
    ends = min([delegation.valid_until] + ([substitution.valid_until] if substitution else []))
    ttl = max(1, min(ttl_s, int((ends - now).total_seconds())))
    act: dict[str, object] = {"sub": actor.subject}
    if substitution is not None:
        act["act"] = {"sub": holder}
    claims: dict[str, object] = {
        "sub": f"dept:{department_code}",
        "act": act,
        "items": delegation.item_codes,
        "all_items": delegation.all_items,
        "tier": delegation.tier,
        "delegation": delegation.id,
    }
    if substitution is not None:
        claims["substitution"] = substitution.id
    token, exp = signer.approval_credential(claims, ttl)
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="credential.issued",
        subject_ref=f"delegation:{delegation.id}",
        data={**facts, "substitution": substitution.id if substitution else "", "expires": exp},
    )
    return delegation, IssuedToken(token, exp)


async def check(
    session: AsyncSession, *, delegation_id: str, substitution_id: str
) -> tuple[bool, str]:
    """Is the grant behind a credential still good right now?"""
    now = utcnow()
    delegation = await session.get(Delegation, delegation_id) if delegation_id else None
    if delegation is None:
        return False, "unknown delegation"
    if delegation.revoked_at is not None:
        return False, "delegation revoked"
    if not (delegation.valid_from <= now < delegation.valid_until):
        return False, "delegation not in force"
    representative = await session.get(Staff, delegation.representative_id)
    if representative is None or not representative.active:
        return False, "representative suspended"
    if substitution_id:
        substitution = await session.get(Substitution, substitution_id)
        if substitution is None or substitution.ended_at is not None:
            return False, "substitution ended"
        if not (substitution.valid_from <= now < substitution.valid_until):
            return False, "substitution not in force"
        substitute = await session.get(Staff, substitution.substitute_id)
        if substitute is None or not substitute.active:
            return False, "substitute suspended"
    return True, ""
