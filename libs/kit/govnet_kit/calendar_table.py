"""The administrator's working-day table per year (decision 6, L2), held by every tier.

The city center owns it (like the catalog, decision 3) and publishes a year whole on
`govnet.catalog.calendar.<year>`; each tier replaces its copy of that year, so a late or
repeated message never leaves a mix of two versions. Deadlines are computed from
`calendar(session, ...)`: the library's calendar with this table over it, and the warning
for a year nobody confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Date, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet.events.v1 import events_pb2
from govnet_kit.db import Base, new_id, utcnow
from govnet_kit.errors import InvalidArgument
from govnet_kit.messaging import add_event
from govnet_kit.worktime import CalendarOverride, WorkCalendar

SUBJECT_PREFIX = "govnet.catalog.calendar."


class CalendarDay(Base):
    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")


class CalendarYear(Base):
    """A year whose table the administrator published; `confirmed` silences the warning."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True)
    confirmed: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


async def calendar(session: AsyncSession, confirmed_years: Iterable[int] = ()) -> WorkCalendar:
    """The calendar to compute deadlines with: the table over the library; a year is
    confirmed by the table or by the service's settings."""
    days = (await session.scalars(select(CalendarDay))).all()
    years = (await session.scalars(select(CalendarYear.year).where(CalendarYear.confirmed))).all()
    return WorkCalendar(
        overrides=[CalendarOverride(day=d.day, working=d.working, note=d.note) for d in days],
        confirmed_years={*confirmed_years, *years},
    )


def _parse(year: int, days: Iterable[events_pb2.CalendarDay]) -> list[CalendarDay]:
    rows: dict[date, CalendarDay] = {}
    for i, d in enumerate(days):
        try:
            day = date.fromisoformat(d.day)
        except ValueError:
            raise InvalidArgument(
                f"not a date: {d.day!r}",
                message_zh="日期格式应为 YYYY-MM-DD",
                field=f"days[{i}].day",
            ) from None
        if day.year != year:
            raise InvalidArgument(
                f"{d.day} is not in {year}",
                message_zh=f"日期不在{year}年内",
                field=f"days[{i}].day",
            )
        if day in rows:
            raise InvalidArgument(
                f"{d.day} is listed twice", message_zh="同一日期重复", field=f"days[{i}].day"
            )
        rows[day] = CalendarDay(day=day, working=d.working, note=d.note[:200])
    return list(rows.values())


async def replace_year(
    session: AsyncSession, *, year: int, confirmed: bool, days: Iterable[events_pb2.CalendarDay]
) -> list[CalendarDay]:
    """This tier's copy of one year, replaced whole."""
    rows = _parse(year, days)
    await session.execute(
        delete(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
    )
    session.add_all(rows)
    existing = await session.get(CalendarYear, year)
    if existing is None:
        session.add(CalendarYear(year=year, confirmed=confirmed))
    else:
        existing.confirmed = confirmed
        existing.published_at = utcnow()
    await session.flush()
    return rows


async def publish_year(
    session: AsyncSession, *, year: int, confirmed: bool, days: list[events_pb2.CalendarDay]
) -> list[CalendarDay]:
    """At the city: store the year and tell every tier, in the same transaction."""
    rows = await replace_year(session, year=year, confirmed=confirmed, days=days)
    event_id = new_id()
    message = events_pb2.CalendarPublished(
        event_id=event_id, year=year, confirmed=confirmed, days=days
    )
    message.published_at.FromDatetime(utcnow())
    add_event(session, subject=f"{SUBJECT_PREFIX}{year}", event_id=event_id, message=message)
    return rows


async def handle_published(session: AsyncSession, data: bytes) -> None:
    published = events_pb2.CalendarPublished.FromString(data)
    await replace_year(
        session, year=published.year, confirmed=published.confirmed, days=published.days
    )


async def year_rows(
    session: AsyncSession, year: int
) -> tuple[CalendarYear | None, list[CalendarDay]]:
    rows = await session.scalars(
        select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    )
    return await session.get(CalendarYear, year), list(rows.all())
