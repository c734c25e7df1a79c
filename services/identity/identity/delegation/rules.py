"""What every grant shares: who manages a department's grants, the active accounts they
name, a valid period, and the revocation pushed to every service (A1, L7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.events.v1 import events_pb2
from govnet_kit.auth import Principal
from govnet_kit.cases import ts
from govnet_kit.db import new_id, utcnow
from govnet_kit.errors import InvalidArgument
from govnet_kit.grants import GRANT_REVOKED_SUBJECT
from govnet_kit.messaging import add_event
from identity.staff.models import Staff


def may_manage(actor: Principal, department_code: str) -> bool:
    """An administrator, or the head of the department itself."""
    return actor.has_role("administrator") or (
        actor.has_role("department_head") and actor.department_code == department_code
    )


async def active_staff(session: AsyncSession, staff_id: str, field: str) -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise InvalidArgument(
            f"no active staff account {staff_id}",
            message_zh="没有这个在岗的工作人员账号",
            field=field,
        )
    return staff


def check_period(valid_from: datetime, valid_until: datetime) -> None:
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
