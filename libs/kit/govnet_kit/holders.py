"""Who holds a case (issue 7): when two people act on one case at once, the one who comes
second is told who holds it, at which step and since when, the same way at every tier.

Each tier locks the case row (SELECT ... FOR UPDATE) before it acts, so of two concurrent
attempts exactly one wins; the other reads the winner's step from the row and the audit chain
(every step is appended there with its actor and time) and gets `errors.HeldByOther`, a 409.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet.common.v1 import case_pb2
from govnet_kit import lifecycle
from govnet_kit.audit import AuditEntry
from govnet_kit.errors import HeldByOther

# The display name of a staff member, where the service keeps one ("" where it does not).
NameOf = Callable[[AsyncSession, str], Awaitable[str]]

_NOT_STAFF = {
    "applicant": "申请人 / the applicant",
    "system": "系统 / the system",
    "service": "系统 / the system",
}


async def last_step(
    session: AsyncSession, case_number: str, actions: Sequence[str]
) -> AuditEntry | None:
    """The latest audit entry of the case among `actions` (the audit chain is indexed by
    case number)."""
    return await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.case_number == case_number, AuditEntry.action.in_(actions))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )


async def held_by(
    session: AsyncSession,
    *,
    case_number: str,
    status: int,
    actions: Sequence[str],
    staff_id: str | None = None,
    since: datetime | None = None,
    name_of: NameOf | None = None,
    field: str = "holder",
) -> HeldByOther:
    """The 409 naming who holds the case. Whatever `staff_id` and `since` the caller knows from
    its own row it passes; the rest comes from the latest audit entry among `actions`."""
    entry = await last_step(session, case_number, actions) if actions else None
    if staff_id is None:
        staff_id = (entry.actor if entry else "").removeprefix("staff:")
    if since is None and entry is not None:
        since = entry.at
    display_name = ""
    kind, colon, _ = staff_id.partition(":")
    if not staff_id or (colon and kind in _NOT_STAFF):
        staff_id, display_name = "", _NOT_STAFF.get(kind, _NOT_STAFF["system"])
    elif name_of is not None:
        display_name = await name_of(session, staff_id)
    return HeldByOther(
        case_number=case_number,
        staff_id=staff_id,
        display_name=display_name,
        step=lifecycle.name(status),
        step_zh=lifecycle.NAMES_ZH.get(status, lifecycle.name(status)),
        since=since,
        field=field,
    )


# A deciding tier's case is held by its owner while taken (首问负责, L3: in review, or
# suspended waiting for a supplement), and by whoever decided it once it is decided.
TAKEN = frozenset({case_pb2.CASE_STATUS_IN_REVIEW, case_pb2.CASE_STATUS_SUSPENDED})
TAKING = ("case.claimed", "case.handed_on")
DECIDING = ("case.decided", "case.deemed_approved", "case.joint_meeting_closed")


async def check_not_held(
    session: AsyncSession,
    case: Any,
    *,
    staff_id: str,
    decision_model: Any,
    on_behalf_of: str = "",
    name_of: NameOf | None = None,
) -> None:
    """Raise the 409 naming the holder when the case is decided, or taken by someone other than
    `staff_id` (or the post holder a substitute acts for, L7). Call with the case row locked."""
    if case.status in lifecycle.DECIDED:
        record = await session.get(decision_model, case.id)
        raise await held_by(
            session,
            case_number=case.case_number,
            status=case.status,
            actions=DECIDING,
            staff_id=record.decided_by if record else None,
            since=record.decided_at if record else None,
            name_of=name_of,
        )
    owner = case.owner_staff_id
    if case.status in TAKEN and owner and owner not in (staff_id, on_behalf_of):
        raise await held_by(
            session,
            case_number=case.case_number,
            status=case.status,
            actions=TAKING,
            staff_id=owner,
            name_of=name_of,
            field="owner_staff_id",
        )
