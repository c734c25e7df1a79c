"""The report box (S3): a citizen hands in a complaint or report at the hall's page or window.

Why it goes to the city rather than stay here: complaints are followed up by the e-supervision
office (the city's supervisors, S1-S3), and appraisal counts them per window and hall (S2)
from the city's queue. So the report is stored here with its number in the same transaction
as a pending call (decision 1: up over gRPC, retried from the sender's own table until
acknowledged; the city is idempotent by the number), and nothing is lost while the link is
down. The contact and the follow-up code are kept here, encrypted, only until the city has them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit, calls
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import InvalidArgument, NotFound
from govnet_kit.worktime import SHANGHAI
from town_hall.case import windows
from town_hall.case.models import TownCase
from town_hall.report.models import TownReport, TownReportSequence

FORWARD = "forward_report"
# No 0/O, 1/I/L: the code is read off the screen and typed back (the city's alphabet).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True)
class ReportData:
    kind: str
    content: str
    case_number: str = ""
    window_code: str = ""
    person: str = ""
    contact: str = ""


async def _next_number(session: AsyncSession, township_code: str, now: datetime) -> str:
    day = now.astimezone(SHANGHAI).date()
    seq = await session.scalar(
        select(TownReportSequence)
        .where(TownReportSequence.township_code == township_code, TownReportSequence.day == day)
        .with_for_update()
    )
    if seq is None:
        seq = TownReportSequence(township_code=township_code, day=day, last=0)
        session.add(seq)
    seq.last += 1
    await session.flush()
    return f"CP-{township_code}-{day:%Y%m%d}-{seq.last:04d}"


async def _check_target(session: AsyncSession, township_code: str, data: ReportData) -> None:
    """A named case or window must be this township's: the city routes by them."""
    if data.case_number:
        case = await session.scalar(
            select(TownCase.township_code).where(TownCase.case_number == data.case_number)
        )
        if case != township_code:
            raise InvalidArgument(
                f"no case {data.case_number} at this township hall",
                message_zh="本大厅没有这个办件编号，请核对受理回执",
                field="case_number",
            )
    if data.window_code:
        codes = {w.code for w in await windows.layout(session, township_code)}
        if data.window_code not in codes:
            raise InvalidArgument(
                f"no window {data.window_code} at this hall",
                message_zh="本大厅没有这个窗口",
                field="window_code",
            )


async def submit(
    session: AsyncSession, *, township_code: str, data: ReportData, now: datetime | None = None
) -> tuple[TownReport, str]:
    """Keep the report and queue it for the city; returns it and its follow-up code."""
    await _check_target(session, township_code, data)
    now = now or utcnow()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    report = TownReport(
        number=await _next_number(session, township_code, now),
        township_code=township_code,
        kind=data.kind,
        content=data.content,
        case_number=data.case_number,
        window_code=data.window_code,
        person=data.person,
        contact=data.contact or None,
        follow_code=code,
        received_at=now,
    )
    session.add(report)
    await session.flush()
    await calls.enqueue(session, kind=FORWARD, key=report.number, payload=report.number.encode())
    # By reference only: the chain never holds the contact or the citizen's words.
    await audit.append(
        session,
        actor="public",
        action="report.received",
        case_number=data.case_number or None,
        subject_ref=f"report:{report.id}",
        data={"number": report.number, "kind": data.kind, "township": township_code},
        at=now,
    )
    return report, code


async def get(session: AsyncSession, number: str, *, lock: bool = False) -> TownReport:
    query = select(TownReport).where(TownReport.number == number)
    if lock:
        query = query.with_for_update()
    report = await session.scalar(query)
    if report is None:
        raise NotFound(f"no report {number}", message_zh=f"无此投诉举报：{number}", field="number")
    return report


async def forwarded(session: AsyncSession, report: TownReport, *, city_status: str) -> None:
    """The city has it: forget what only the city needs now (the contact, the code)."""
    report.forwarded_at = utcnow()
    report.city_status = city_status
    report.contact = None
    report.follow_code = None
    await audit.append(
        session,
        actor="service:town-hall",
        action="report.forwarded",
        subject_ref=f"report:{report.id}",
        data={"number": report.number, "city_status": city_status},
    )


async def listing(
    session: AsyncSession, *, staff: Principal, township_code: str, limit: int = 100
) -> list[tuple[TownReport, calls.PendingCall | None]]:
    """The township's reports, newest first, each with its call while the city lacks it."""
    staff.require_staff(tier="town")
    staff.require_place(township_code)
    rows = list(
        (
            await session.scalars(
                select(TownReport)
                .where(TownReport.township_code == township_code)
                .order_by(TownReport.received_at.desc())
                .limit(limit)
            )
        ).all()
    )
    waiting = [r.number for r in rows if r.forwarded_at is None]
    pending = {}
    if waiting:
        found = await session.scalars(
            select(calls.PendingCall).where(
                calls.PendingCall.kind == FORWARD, calls.PendingCall.key.in_(waiting)
            )
        )
        pending = {c.key: c for c in found}
    return [(r, pending.get(r.number)) for r in rows]
