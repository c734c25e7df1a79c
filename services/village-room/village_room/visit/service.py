from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument
from govnet_kit.worktime import SHANGHAI
from village_room.case.models import Applicant
from village_room.visit.models import OUTCOMES_ZH, SET_BY_APPLICATION, Visit


async def require_applicant_here(
    session: AsyncSession, *, applicant_id: str, place_code: str, field: str = "applicant_id"
) -> None:
    """The person's record exists at this village (only its place is read, never its data)."""
    place = await session.scalar(select(Applicant.place_code).where(Applicant.id == applicant_id))
    if place != place_code:
        raise InvalidArgument(
            f"no applicant {applicant_id} at this village",
            message_zh="本村无此申请人登记",
            field=field,
        )


async def register(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    topic: str,
    applicant_id: str | None = None,
    outcome: str | None = None,
) -> Visit:
    if applicant_id is not None:
        await require_applicant_here(session, applicant_id=applicant_id, place_code=place_code)
    visit = Visit(place_code=place_code, staff_id=staff_id, topic=topic, applicant_id=applicant_id)
    if outcome is not None:
        visit.outcome, visit.outcome_at = outcome, utcnow()
    session.add(visit)
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="visit.registered",
        subject_ref=f"applicant:{applicant_id}" if applicant_id else None,
        data={"place_code": place_code, "visit_id": visit.id, "outcome": visit.outcome},
    )
    return visit


async def get_for_place(session: AsyncSession, *, visit_id: str, place_code: str) -> Visit:
    visit = await session.get(Visit, visit_id)
    if visit is None or visit.place_code != place_code:
        raise InvalidArgument(
            f"no visit {visit_id} at this place",
            message_zh="本服务室无此来访登记",
            field="visit_id",
        )
    return visit


async def settle(
    session: AsyncSession,
    *,
    visit: Visit,
    outcome: str,
    staff_id: str,
    case_number: str | None = None,
) -> Visit:
    """Record what came of a visit. A visit that became an agency application keeps that."""
    if outcome not in OUTCOMES_ZH or outcome == "open":
        raise InvalidArgument(
            f"unknown outcome {outcome}", message_zh="无此办理结果", field="outcome"
        )
    if visit.outcome in SET_BY_APPLICATION and visit.case_number:
        raise Conflict(
            f"visit {visit.id} became case {visit.case_number}; its outcome stays",
            message_zh=f"该来访已形成办件 {visit.case_number}，办理结果不可更改",
            field="outcome",
        )
    visit.outcome, visit.outcome_at = outcome, utcnow()
    if case_number is not None:
        visit.case_number = case_number
    await session.flush()
    await audit.append(
        session,
        actor=staff_id,
        action="visit.settled",
        case_number=visit.case_number,
        data={"place_code": visit.place_code, "visit_id": visit.id, "outcome": outcome},
    )
    return visit


@dataclass(frozen=True)
class VisitFilter:
    start: date | None = None  # Shanghai calendar days, inclusive
    end: date | None = None
    outcome: str | None = None
    staff_id: str | None = None
    topic: str | None = None  # a word in the topic
    case_number: str | None = None
    applicant_id: str | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _query(place_code: str, f: VisitFilter):  # type: ignore[no-untyped-def]
    if f.start and f.end and f.end < f.start:
        raise InvalidArgument("to is before from", message_zh="结束日期早于开始日期", field="to")
    q = select(Visit).where(Visit.place_code == place_code)
    if f.start:
        q = q.where(Visit.visited_at >= _day_start(f.start))
    if f.end:
        q = q.where(Visit.visited_at < _day_start(f.end + timedelta(days=1)))
    if f.outcome:
        q = q.where(Visit.outcome == f.outcome)
    if f.staff_id:
        q = q.where(Visit.staff_id == f.staff_id)
    if f.case_number:
        q = q.where(Visit.case_number == f.case_number)
    if f.applicant_id:
        q = q.where(Visit.applicant_id == f.applicant_id)
    if f.topic:
        # A literal search: % and _ typed by the user match only themselves.
        escaped = f.topic.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.where(func.lower(Visit.topic).like(f"%{escaped.lower()}%", escape="\\"))
    return q


async def search(
    session: AsyncSession,
    *,
    place_code: str,
    where: VisitFilter = VisitFilter(),
    limit: int = 100,
    offset: int = 0,
) -> list[Visit]:
    rows = await session.scalars(
        _query(place_code, where)
        .order_by(Visit.visited_at.desc(), Visit.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.all())


async def list_for_place(
    session: AsyncSession, *, place_code: str, limit: int = 100
) -> list[Visit]:
    return await search(session, place_code=place_code, limit=limit)


EXPORT_LIMIT = 50_000
CSV_COLUMNS = (
    "visit_id",
    "visited_at",
    "staff_id",
    "topic",
    "outcome",
    "outcome_zh",
    "case_number",
    "applicant_id",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula is kept as text (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(visits: Sequence[Visit]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for v in visits:
        writer.writerow(
            _cell(x)
            for x in (
                v.id,
                v.visited_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
                v.staff_id,
                v.topic,
                v.outcome,
                OUTCOMES_ZH.get(v.outcome, ""),
                v.case_number,
                v.applicant_id,
            )
        )
    return out.getvalue()
