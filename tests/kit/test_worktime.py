"""Deadlines as a case officer in China would count them (decision 6)."""

from datetime import UTC, date, datetime

import pytest

from govnet_kit.worktime import SHANGHAI, CalendarOverride, WorkCalendar

# Confirmed years so that only the warning tests see a warning.
CAL = WorkCalendar(confirmed_years=[2025, 2026])


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_plain_week_due_at_midnight_after_the_nth_working_day():
    # Accepted Monday 2025-06-09; three working days: Tue, Wed, Thu.
    dl = CAL.deadline(sh(2025, 6, 9), 3)
    assert dl.due_day == date(2025, 6, 12)
    # 24:00 Thursday is 00:00 Friday in Shanghai, 16:00 UTC on Thursday.
    assert dl.due_at == datetime(2025, 6, 13, 0, 0, tzinfo=SHANGHAI)
    assert dl.due_at.astimezone(UTC) == datetime(2025, 6, 12, 16, 0, tzinfo=UTC)
    assert dl.unconfirmed_years == ()
    assert dl.warning is None


def test_weekend_is_skipped():
    # Accepted Thursday 2025-06-12: Fri 13, (Sat, Sun skipped) Mon 16, Tue 17.
    assert CAL.deadline(sh(2025, 6, 12), 3).due_day == date(2025, 6, 17)


def test_make_up_workday_counts():
    # Sunday 2025-09-28 was a make-up workday before National Day.
    assert CAL.is_working_day(date(2025, 9, 28))
    assert CAL.deadline(sh(2025, 9, 26), 1).due_day == date(2025, 9, 28)
    assert CAL.deadline(sh(2025, 9, 26), 2).due_day == date(2025, 9, 29)


def test_national_day_holiday_is_skipped():
    # 2025-10-01..08 off; 2025-10-11 (Saturday) was a make-up workday.
    assert CAL.deadline(sh(2025, 9, 30), 1).due_day == date(2025, 10, 9)
    assert CAL.deadline(sh(2025, 9, 30), 3).due_day == date(2025, 10, 11)
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1


def test_day_zero_is_the_shanghai_date_not_the_utc_date():
    # Sunday 17:30 UTC is already Monday 01:30 in Shanghai: Monday is day 0.
    accepted = datetime(2025, 6, 8, 17, 30, tzinfo=UTC)
    assert CAL.deadline(accepted, 1).due_day == date(2025, 6, 10)
    # 15:59 UTC is still Sunday 23:59 in Shanghai: Monday is day 1.
    accepted = datetime(2025, 6, 8, 15, 59, tzinfo=UTC)
    assert CAL.deadline(accepted, 1).due_day == date(2025, 6, 9)


def test_admin_extra_day_off_pushes_the_deadline():
    cal = WorkCalendar(
        overrides=[CalendarOverride(date(2025, 6, 11), working=False, note="typhoon")],
        confirmed_years=[2025],
    )
    assert cal.deadline(sh(2025, 6, 9), 3).due_day == date(2025, 6, 13)


def test_admin_forced_working_day_pulls_the_deadline():
    cal = WorkCalendar(
        overrides=[CalendarOverride(date(2025, 6, 14), working=True)],
        confirmed_years=[2025],
    )
    # Accepted Friday: the Saturday now counts instead of Monday.
    assert cal.deadline(sh(2025, 6, 13), 1).due_day == date(2025, 6, 14)
    assert CAL.deadline(sh(2025, 6, 13), 1).due_day == date(2025, 6, 16)


def test_admin_override_beats_the_library_on_a_holiday():
    cal = WorkCalendar(overrides=[CalendarOverride(date(2025, 10, 1), working=True)])
    assert not CAL.is_working_day(date(2025, 10, 1))
    assert cal.is_working_day(date(2025, 10, 1))


def test_duplicate_override_rows_are_rejected():
    rows = [CalendarOverride(date(2025, 6, 11), True), CalendarOverride(date(2025, 6, 11), False)]
    with pytest.raises(ValueError, match="2025-06-11"):
        WorkCalendar(overrides=rows)


def test_warning_when_deadline_reaches_an_unconfirmed_year():
    # Accepted Tue 2025-12-30: Wed 12-31, (Jan 1-3 off) Sun 01-04 make-up, Mon 01-05.
    cal = WorkCalendar(confirmed_years=[2025])
    dl = cal.deadline(sh(2025, 12, 30), 3)
    assert dl.due_day == date(2026, 1, 5)
    assert dl.unconfirmed_years == (2026,)
    assert dl.warning is not None
    assert "2026" in dl.warning and " / " in dl.warning


def test_no_warning_when_all_touched_years_are_confirmed():
    dl = CAL.deadline(sh(2025, 12, 30), 3)
    assert dl.due_day == date(2026, 1, 5)
    assert dl.unconfirmed_years == ()
    assert dl.warning is None


def test_acceptance_year_counts_too():
    dl = WorkCalendar().deadline(sh(2025, 12, 30), 3)
    assert dl.unconfirmed_years == (2025, 2026)


def test_naive_datetime_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.deadline(datetime(2025, 6, 9, 10, 0), 3)


@pytest.mark.parametrize("days", [0, -1])
def test_non_positive_working_days_is_rejected(days):
    with pytest.raises(ValueError, match="working_days"):
        CAL.deadline(sh(2025, 6, 9), days)


def test_add_working_days_zero_returns_start():
    assert CAL.add_working_days(date(2025, 10, 1), 0) == date(2025, 10, 1)


def test_working_days_between_matches_add_working_days():
    start = date(2025, 9, 20)
    for n in range(1, 20):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n
    assert CAL.working_days_between(start, start) == 0
