"""Appraisal (S2): per quarter or year, per window, staff member, department, township hall and
village room: cases handled, on time, defaults, refusals, complaints, satisfaction.

Everything is counted from this service's own tables: the supervision projection (built from
the thin events), complaints and ratings. A tier's part of a case counts in the period in which
it came to its outcome (handed on, decided); a complaint in the period it was received; a
rating in the period it was given, for every unit that handled the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.complaint.models import UPHELD, Complaint, Rating
from city_center.supervision.models import CaseClock
from govnet_kit.errors import InvalidArgument
from govnet_kit.worktime import SHANGHAI

UNITS = ("window", "staff", "department", "town", "village")
HANDLED = ("handed_on", "approved", "refused", "deemed_approved")
_PERIOD = re.compile(r"^(\d{4})(?:-?Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime  # exclusive


def period(text: str) -> Period:
    """`2026` (a year) or `2026Q3` (a quarter), in Asia/Shanghai."""
    m = _PERIOD.match(text.strip().upper())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise InvalidArgument(
            "period must be a year (2026) or a quarter (2026Q3)",
            message_zh="考核期间应为年度（如2026）或季度（如2026Q3）",
            field="period",
        )
    year, quarter = int(m.group(1)), m.group(2)
    if quarter:
        first = (int(quarter) - 1) * 3 + 1
        start, end = date(year, first, 1), date(year + (first == 10), (first + 2) % 12 + 1, 1)
        label = f"{year}Q{quarter}"
    else:
        start, end, label = date(year, 1, 1), date(year + 1, 1, 1), str(year)
    return Period(
        label,
        datetime.combine(start, time(0), tzinfo=SHANGHAI),
        datetime.combine(end, time(0), tzinfo=SHANGHAI),
    )


@dataclass
class Row:
    unit: str
    key: str  # the window (tier:place:window), staff id, department code or place code
    tier: str = ""
    handled: int = 0
    on_time: int = 0
    defaults: int = 0
    refusals: int = 0
    complaints: int = 0
    complaints_upheld: int = 0
    ratings: int = 0
    rating_sum: int = 0
    satisfied: int = 0  # ratings of 4 or 5

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.handled, 4) if self.handled else None

    @property
    def satisfaction(self) -> float | None:
        """Mean rating, 1 to 5."""
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None

    @property
    def satisfied_rate(self) -> float | None:
        return round(self.satisfied / self.ratings, 4) if self.ratings else None


@dataclass
class Report:
    period: Period
    unit: str
    rows: list[Row] = field(default_factory=list)


def _clock_key(unit: str):  # type: ignore[no-untyped-def]
    """The key column(s) of a unit on a clock row, and the condition for the row to count."""
    c = CaseClock
    if unit == "window":
        return [c.tier, c.place_code, c.window_id], c.window_id != ""
    if unit == "staff":
        return [c.tier, c.handled_by_staff_id], c.handled_by_staff_id != ""
    if unit == "department":
        return [c.department_code], (c.tier == "city") & (c.department_code != "")
    return [c.place_code], c.tier == unit  # town, village


def _complaint_key(unit: str):  # type: ignore[no-untyped-def]
    c = Complaint
    if unit == "window":
        return [c.tier, c.place_code, c.window_id], c.window_id != ""
    if unit == "staff":
        return [c.tier, c.staff_id], c.staff_id != ""
    if unit == "department":
        return [c.department_code], (c.tier.in_(["city", ""])) & (c.department_code != "")
    return [c.place_code], c.tier == unit


def _key(unit: str, values: tuple) -> tuple[str, str]:  # type: ignore[type-arg]
    """(key, tier) of a unit from its key columns."""
    if unit == "window":
        return f"{values[0]}:{values[1]}:{values[2]}", values[0]
    if unit == "staff":
        return values[1], values[0]
    if unit == "department":
        return values[0], "city"
    return values[0], unit


async def appraise(session: AsyncSession, *, unit: str, within: Period) -> Report:
    if unit not in UNITS:
        raise InvalidArgument(
            f"unit must be one of {', '.join(UNITS)}",
            message_zh="考核对象应为 window、staff、department、town 或 village",
            field="unit",
        )
    rows: dict[tuple[str, str], Row] = {}

    def row(values: tuple) -> Row:  # type: ignore[type-arg]
        key, tier = _key(unit, values)
        return rows.setdefault((tier, key), Row(unit=unit, key=key, tier=tier))

    cols, counts = _clock_key(unit)
    c = CaseClock
    handled = await session.execute(
        select(
            *cols,
            func.count(),
            func.sum(case((c.on_time.is_(True), 1), else_=0)),
            func.sum(case((c.outcome == "deemed_approved", 1), else_=0)),
            func.sum(case((c.outcome == "refused", 1), else_=0)),
        )
        .where(
            counts,
            c.outcome.in_(HANDLED),
            c.handled_at >= within.start,
            c.handled_at < within.end,
        )
        .group_by(*cols)
    )
    n = len(cols)
    for r in handled.all():
        target = row(tuple(r[:n]))
        target.handled, target.on_time, target.defaults, target.refusals = (
            int(v or 0) for v in r[n:]
        )

    kcols, kcounts = _complaint_key(unit)
    k = Complaint
    complaints = await session.execute(
        select(*kcols, func.count(), func.sum(case((k.outcome.in_(UPHELD), 1), else_=0)))
        .where(kcounts, k.received_at >= within.start, k.received_at < within.end)
        .group_by(*kcols)
    )
    for r in complaints.all():
        target = row(tuple(r[:n]))
        target.complaints, target.complaints_upheld = int(r[n]), int(r[n + 1] or 0)

    # A rating counts for every unit that handled the case.
    g = Rating
    ratings = await session.execute(
        select(
            *cols,
            func.count(),
            func.sum(g.score),
            func.sum(case((g.score >= 4, 1), else_=0)),
        )
        .join(g, g.case_number == c.case_number)
        .where(counts, c.outcome.in_(HANDLED), g.rated_at >= within.start, g.rated_at < within.end)
        .group_by(*cols)
    )
    for r in ratings.all():
        target = row(tuple(r[:n]))
        target.ratings, target.rating_sum, target.satisfied = (int(v or 0) for v in r[n:])

    ordered = sorted(rows.values(), key=lambda x: (x.tier, x.key))
    return Report(period=within, unit=unit, rows=ordered)
