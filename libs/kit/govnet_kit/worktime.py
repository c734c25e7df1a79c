"""Working-day deadlines for administrative cases (decision 6).

The acceptance day is day 0 (in Asia/Shanghai, whatever the caller's timezone); the deadline is
24:00 of the N-th working day after it. Working days come from `holidays.China`, which knows the
State Council's make-up workdays, corrected by an administrator's table. The official schedule
for a year is published late in the year before, so a deadline reaching into a year the
administrator has not confirmed carries a warning instead of silently trusting the library.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")


@cache
def _china(year: int) -> holidays.HolidayBase:
    # Building the calendar is slow-ish; one instance per year, shared by all WorkCalendars
    # (they only read it). Looked up by the day's own year, so it never auto-expands.
    # Imported here: the library loads every calendar it knows (about half a second), which
    # commands that never compute a deadline (migrate, seed-demo) need not pay.
    import holidays

    return holidays.China(years=year)


@dataclass(frozen=True)
class CalendarOverride:
    """One row of the administrator's table; it wins over the library."""

    day: date
    working: bool  # True: make-up or forced workday; False: extra day off
    note: str = ""


@dataclass(frozen=True)
class Deadline:
    due_at: datetime  # 24:00 Shanghai of due_day, i.e. 00:00 Shanghai of the next calendar day
    due_day: date  # the N-th working day after the acceptance day
    unconfirmed_years: tuple[int, ...]  # years from day 0 to due_day not confirmed by an admin

    @property
    def warning(self) -> str | None:
        if not self.unconfirmed_years:
            return None
        years = ", ".join(str(y) for y in self.unconfirmed_years)
        return (
            f"期限涉及尚未确认官方节假日安排的年份：{years}"
            f" / The deadline reaches into years whose official holiday schedule"
            f" is not confirmed: {years}"
        )


class WorkCalendar:
    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        confirmed_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[date, CalendarOverride] = {}
        for row in overrides:
            # Two rows for one day would make the outcome depend on their order.
            if row.day in self._overrides:
                raise ValueError(f"duplicate calendar override for {row.day.isoformat()}")
            self._overrides[row.day] = row
        self._confirmed = frozenset(confirmed_years)

    def is_working_day(self, day: date) -> bool:
        row = self._overrides.get(day)
        if row is not None:
            return row.working
        return _china(day.year).is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day strictly after `start`; `start` itself for n == 0."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when end <= start."""
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count

    def deadline(self, accepted_at: datetime, working_days: int) -> Deadline:
        if accepted_at.tzinfo is None or accepted_at.utcoffset() is None:
            # A naive time is ambiguous: it may be UTC from the database or local wall time.
            raise ValueError("accepted_at must be timezone-aware")
        if working_days < 1:
            raise ValueError(f"working_days must be >= 1, got {working_days}")
        day0 = accepted_at.astimezone(SHANGHAI).date()
        return self._due(day0, self.add_working_days(day0, working_days))

    def _due(self, day0: date, due_day: date) -> Deadline:
        """24:00 of due_day, warning about any year from day0 on that is not confirmed."""
        due_at = datetime.combine(due_day + timedelta(days=1), time(0), tzinfo=SHANGHAI)
        unconfirmed = tuple(
            y for y in range(day0.year, due_day.year + 1) if y not in self._confirmed
        )
        return Deadline(due_at=due_at, due_day=due_day, unconfirmed_years=unconfirmed)

    def remaining(self, now: datetime, due_at: datetime) -> int:
        """Working days of a running clock still left after today (L2 suspension).

        Today counts as used: a suspension asked for on a working day spends that day.
        """
        today = now.astimezone(SHANGHAI).date()
        due_day = due_at.astimezone(SHANGHAI).date() - timedelta(days=1)
        return self.working_days_between(today, due_day)

    def resumed(self, resumed_at: datetime, remaining: int) -> Deadline:
        """The deadline of a clock restarted with `remaining` working days after today.

        With none left (suspended on its last day) it is due at the end of the resume day.
        """
        if remaining < 0:
            raise ValueError(f"remaining must be >= 0, got {remaining}")
        day0 = resumed_at.astimezone(SHANGHAI).date()
        return self._due(day0, self.add_working_days(day0, remaining))

    def extended(self, due_at: datetime, days: int) -> Deadline:
        """The deadline moved on by `days` more working days (an extension the item allows)."""
        if days < 1:
            raise ValueError(f"days must be >= 1, got {days}")
        old_due_day = due_at.astimezone(SHANGHAI).date() - timedelta(days=1)
        return self._due(old_due_day, self.add_working_days(old_due_day, days))
