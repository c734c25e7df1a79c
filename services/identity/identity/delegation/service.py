"""Delegations (A1): a department's grant to its representative, revoked or withdrawn when the
account is reactivated after a suspension, and the department's lists. Substitution (L7) is in
`substitution`, the credential exchange and the grant check in `credential`; their names are
importable from here too. Every grant, exchange, revocation and refusal is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import InvalidArgument, NotFound, PermissionDenied
from identity.delegation.credential import active_delegation, check, exchange
from identity.delegation.rules import active_staff, check_period, may_manage, publish_revoked
from identity.delegation.substitution import active_substitution, end_substitution, name_substitute
from identity.staff.models import Delegation, Substitution

__all__ = [
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "TIERS",
    "active_delegation",
    "active_substitution",
    "check",
    "end_substitution",
    "exchange",
    "grant",
    "list_delegations",
    "list_substitutions",
    "may_manage",
    "name_substitute",
    "publish_revoked",
    "revoke",
    "withdraw_held",
]

TIERS = {"village", "town", "city"}
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


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
    check_period(valid_from, valid_until)
    representative = await active_staff(session, representative_id, "representative_id")
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
