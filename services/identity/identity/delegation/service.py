"""Delegations, same-post substitution, the exchange for approval credentials, and the grant
check services make at decision time (A1, L7). Every grant, exchange, revocation and refusal
goes into the audit chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.events.v1 import events_pb2
from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.cases import ts
from govnet_kit.db import new_id, utcnow
from govnet_kit.errors import InvalidArgument, NotFound, PermissionDenied, Unauthenticated
from govnet_kit.grants import GRANT_REVOKED_SUBJECT
from govnet_kit.messaging import add_event
from identity.staff.models import Delegation, Staff, Substitution
from identity.tokens import IssuedToken, Refused, Signer

TIERS = {"village", "town", "city"}
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


def may_manage(actor: Principal, department_code: str) -> bool:
    """An administrator, or the head of the department itself."""
    return actor.has_role("administrator") or (
        actor.has_role("department_head") and actor.department_code == department_code
    )


async def _active_staff(session: AsyncSession, staff_id: str, field: str) -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise InvalidArgument(
            f"no active staff account {staff_id}",
            message_zh="没有这个在岗的工作人员账号",
            field=field,
        )
    return staff


def _check_period(valid_from: datetime, valid_until: datetime) -> None:
    if valid_until <= valid_from:
        raise InvalidArgument(
            "valid_until must be after valid_from",
            message_zh="截止时间须晚于起始时间",
            field="valid_until",
        )


def publish_revoked(session: AsyncSession, *, at: datetime | None = None, **ids: str) -> None:
    event_id = new_id()
    add_event(
        session,
        subject=GRANT_REVOKED_SUBJECT,
        event_id=event_id,
        message=events_pb2.GrantRevoked(event_id=event_id, revoked_at=ts(at or utcnow()), **ids),
    )


async def grant(
    session: AsyncSession,
    *,
    actor: Principal,
    department_code: str,
    representative_id: str,
    item_codes: list[str],
    all_items: bool,
    tier: str,
    valid_from: datetime,
    valid_until: datetime,
) -> Delegation:
    if not department_code:
        raise InvalidArgument(
            "department_code is required", message_zh="请选择部门", field="department_code"
        )
    if not may_manage(actor, department_code):
        raise PermissionDenied(
            "only the department's head or an administrator grants delegations",
            message_zh="仅部门负责人或管理员可授权",
        )
    if tier not in TIERS:
        raise InvalidArgument(
            "tier must be village, town or city", message_zh="层级须为村、乡镇或市", field="tier"
        )
    if not all_items and not item_codes:
        raise InvalidArgument(
            "name the items, or grant all the department's items",
            message_zh="请选择授权事项，或授权本部门全部事项",
            field="item_codes",
        )
    _check_period(valid_from, valid_until)
    representative = await _active_staff(session, representative_id, "representative_id")
    if representative.department_code != department_code:
        raise InvalidArgument(
            "the representative belongs to another department",
            message_zh="该首席代表不属于本部门",
            field="representative_id",
        )
    delegation = Delegation(
        department_code=department_code,
        representative_id=representative_id,
        item_codes=sorted(set(item_codes)),
        all_items=all_items,
        tier=tier,
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=actor.subject,
    )
    session.add(delegation)
    await session.flush()
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="delegation.granted",
        subject_ref=f"delegation:{delegation.id}",
        data={
            "department": department_code,
            "representative": representative_id,
            "items": delegation.item_codes,
            "all_items": all_items,
            "tier": tier,
        },
    )
    return delegation


async def revoke(
    session: AsyncSession, *, actor: Principal, delegation_id: str, reason: str
) -> Delegation:
    delegation = await session.get(Delegation, delegation_id)
    if delegation is None:
        raise NotFound(
            f"no delegation {delegation_id}", message_zh="没有这项授权", field="delegation_id"
        )
    if not may_manage(actor, delegation.department_code):
        raise PermissionDenied(
            "only the department's head or an administrator revokes delegations",
            message_zh="仅部门负责人或管理员可撤销授权",
        )
    if delegation.revoked_at is None:
        delegation.revoked_at = utcnow()
        delegation.revoked_reason = reason[:500]
        publish_revoked(session, delegation_id=delegation.id, reason=reason[:500])
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="delegation.revoked",
            subject_ref=f"delegation:{delegation.id}",
            data={"reason": reason[:500]},
        )
    return delegation


async def name_substitute(
    session: AsyncSession,
    *,
    actor: Principal,
    holder_id: str,
    substitute_id: str,
    department_code: str,
    valid_from: datetime,
    valid_until: datetime,
) -> Substitution:
    if actor.subject != holder_id and not may_manage(actor, department_code):
        raise PermissionDenied(
            "the holder or the department names a substitute", message_zh="仅本人或部门可指定替代人"
        )
    if holder_id == substitute_id:
        raise InvalidArgument(
            "a holder cannot substitute for themselves",
            message_zh="替代人不能是岗位人本人",
            field="substitute_id",
        )
    _check_period(valid_from, valid_until)
    holder = await _active_staff(session, holder_id, "holder_id")
    substitute = await _active_staff(session, substitute_id, "substitute_id")
    if (
        department_code not in (holder.department_code,)
        or substitute.department_code != department_code
    ):
        raise InvalidArgument(
            "holder and substitute must both be posts of the department",
            message_zh="岗位人和替代人须同属本部门",
            field="department_code",
        )
    substitution = Substitution(
        holder_id=holder_id,
        substitute_id=substitute_id,
        department_code=department_code,
        valid_from=valid_from,
        valid_until=valid_until,
        named_by=actor.subject,
    )
    session.add(substitution)
    await session.flush()
    await audit.append(
        session,
        actor=f"staff:{actor.subject}",
        action="substitution.named",
        subject_ref=f"substitution:{substitution.id}",
        data={"holder": holder_id, "substitute": substitute_id, "department": department_code},
    )
    return substitution


async def end_substitution(
    session: AsyncSession, *, actor: Principal, substitution_id: str
) -> Substitution:
    substitution = await session.get(Substitution, substitution_id)
    if substitution is None:
        raise NotFound(
            f"no substitution {substitution_id}",
            message_zh="没有这项同岗替代",
            field="substitution_id",
        )
    if actor.subject != substitution.holder_id and not may_manage(
        actor, substitution.department_code
    ):
        raise PermissionDenied(
            "the holder or the department ends a substitution", message_zh="仅本人或部门可结束替代"
        )
    if substitution.ended_at is None:
        substitution.ended_at = utcnow()
        publish_revoked(session, substitution_id=substitution.id, reason="substitution ended")
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="substitution.ended",
            subject_ref=f"substitution:{substitution.id}",
        )
    return substitution


# -- the department's lists, and what a reactivated account no longer holds -------------------


async def _page(
    session: AsyncSession,
    model: type[Delegation] | type[Substitution],
    *,
    department_code: str,
    after: str,
    limit: int,
) -> tuple[list[Any], bool]:
    """Newest first (keyset on creation time, then id); `after` is the last id of the page
    before, whose own creation time is read back so the comparison is the database's."""
    query = (
        select(model)
        .where(model.department_code == department_code)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(limit + 1)
    )
    if after:
        last = await session.get(model, after)
        if last is None or last.department_code != department_code:
            raise InvalidArgument(
                "page_token is not one this service gave",
                message_zh="分页标记无效",
                field="page_token",
            )
        query = query.where(
            or_(
                model.created_at < last.created_at,
                and_(model.created_at == last.created_at, model.id < last.id),
            )
        )
    rows = list((await session.scalars(query)).all())
    return rows[:limit], len(rows) > limit


def _may_list(actor: Principal, department_code: str) -> None:
    if not department_code:
        raise InvalidArgument(
            "department_code is required", message_zh="请选择部门", field="department_code"
        )
    if not may_manage(actor, department_code):
        raise PermissionDenied(
            "only the department's head or an administrator sees its delegations",
            message_zh="仅部门负责人或管理员可查看本部门授权",
        )


async def list_delegations(
    session: AsyncSession,
    *,
    actor: Principal,
    department_code: str,
    after: str = "",
    limit: int = PAGE_SIZE,
) -> tuple[list[Delegation], bool]:
    """The department's delegations, revoked and expired ones too, and whether more follow."""
    _may_list(actor, department_code)
    return await _page(
        session, Delegation, department_code=department_code, after=after, limit=limit
    )


async def list_substitutions(
    session: AsyncSession,
    *,
    actor: Principal,
    department_code: str,
    after: str = "",
    limit: int = PAGE_SIZE,
) -> tuple[list[Substitution], bool]:
    _may_list(actor, department_code)
    return await _page(
        session, Substitution, department_code=department_code, after=after, limit=limit
    )


async def withdraw_held(session: AsyncSession, *, actor: Principal, staff_id: str) -> None:
    """When a suspended account is reactivated: the delegations it still held and the
    substitutions it was part of are revoked now and pushed, so nothing granted before the
    suspension comes back by itself; the department grants anew (least privilege)."""
    now, reason = utcnow(), "withdrawn when the account was suspended"
    delegations = await session.scalars(
        select(Delegation).where(
            Delegation.representative_id == staff_id,
            Delegation.revoked_at.is_(None),
            Delegation.valid_until > now,
        )
    )
    for delegation in delegations.all():
        delegation.revoked_at, delegation.revoked_reason = now, reason
        publish_revoked(session, delegation_id=delegation.id, reason=reason)
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="delegation.revoked",
            subject_ref=f"delegation:{delegation.id}",
            data={"reason": reason},
        )
    substitutions = await session.scalars(
        select(Substitution).where(
            or_(Substitution.holder_id == staff_id, Substitution.substitute_id == staff_id),
            Substitution.ended_at.is_(None),
            Substitution.valid_until > now,
        )
    )
    for substitution in substitutions.all():
        substitution.ended_at = now
        publish_revoked(session, substitution_id=substitution.id, reason=reason)
        await audit.append(
            session,
            actor=f"staff:{actor.subject}",
            action="substitution.ended",
            subject_ref=f"substitution:{substitution.id}",
            data={"reason": reason},
        )


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


async def active_substitution(
    session: AsyncSession, *, holder_id: str, substitute_id: str, department_code: str, at: datetime
) -> Substitution | None:
    return await session.scalar(
        select(Substitution).where(
            Substitution.holder_id == holder_id,
            Substitution.substitute_id == substitute_id,
            Substitution.department_code == department_code,
            Substitution.ended_at.is_(None),
            Substitution.valid_from <= at,
            Substitution.valid_until > at,
        )
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
