"""Same-post substitution (L7): the holder or the department names a substitute for a period,
and ends it; an ended substitution is pushed to every service as revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import InvalidArgument, NotFound, PermissionDenied
from identity.delegation.rules import active_staff, check_period, may_manage, publish_revoked
from identity.staff.models import Substitution


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
    check_period(valid_from, valid_until)
    holder = await active_staff(session, holder_id, "holder_id")
    substitute = await active_staff(session, substitute_id, "substitute_id")
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
