"""Seasonal items (C5) as a window in China would receive them: months, reception weekdays,
working days (make-up workdays count, public holidays do not) and appointment slots."""

from datetime import UTC, date, datetime, timedelta

import pytest

from govnet.catalog.v1 import catalog_pb2
from govnet_kit.errors import Conflict, InvalidArgument
from govnet_kit.seasonal import (
    ReceptionClosed,
    day_words,
    next_reception_day,
    reception_lines,
    reception_refusal,
    slot_refusal,
    slots_between,
    slots_of_day,
    upcoming_reception_days,
)
from govnet_kit.worktime import SHANGHAI, CalendarOverride, WorkCalendar

CAL = WorkCalendar(confirmed_years=[2026])
M = catalog_pb2


def item(code: str = "NJ-0001", **seasonal) -> catalog_pb2.CatalogItem:
    record = catalog_pb2.CatalogItem(code=code)
    if seasonal:
        record.seasonal.CopyFrom(catalog_pb2.Seasonal(**seasonal))
    return record


# The seed's tractor licence: examinations in Feb, Mar, Sep, Oct, on Tuesdays and Thursdays.
EXAM = item(
    mode=M.SEASONAL_MODE_APPOINTMENT,
    months=[2, 3, 9, 10],
    reception_weekdays=[2, 4],
    slot_times=["14:30", "09:00"],
    slot_capacity=20,
)
# Appointments on every working day of the year.
DAILY = item("TEST-DAILY", mode=M.SEASONAL_MODE_APPOINTMENT, slot_times=["09:00"], slot_capacity=2)


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_an_item_that_is_not_seasonal_is_never_refused_here():
    plain = item("LY-0001")
    assert reception_refusal(plain, sh(2026, 10, 1), CAL) is None  # National Day
    assert reception_refusal(plain, sh(2026, 11, 29), CAL) is None  # a Sunday
    assert slots_of_day(plain, date(2026, 11, 30), CAL) == []


def test_out_of_season_names_the_months_and_the_next_reception_day():
    refusal = reception_refusal(EXAM, sh(2026, 7, 14), CAL)  # a Tuesday in July
    assert isinstance(refusal, ReceptionClosed) and isinstance(refusal, Conflict)
    assert refusal.http_status == 409 and refusal.field == "item_code"
    assert refusal.reason == "out_of_season"
    assert refusal.next_reception_day == date(2026, 9, 1)
    assert refusal.message == (
        "NJ-0001 is received only in February, March, September and October;"
        " the next reception day is Tuesday 2026-09-01"
    )
    assert refusal.message_zh == (
        "事项NJ-0001仅在2月、3月、9月、10月受理，下一个接待日是2026年9月1日（周二）"
    )
    body = refusal.to_dict()
    assert body["code"] == "not_received" and body["next_reception_day"] == "2026-09-01"


def test_a_day_that_is_not_a_reception_weekday():
    refusal = reception_refusal(EXAM, sh(2026, 9, 2), CAL)  # Wednesday
    assert refusal is not None and refusal.reason == "not_reception_day"
    assert "only on Tuesdays and Thursdays" in refusal.message
    assert "仅在每周二、周四受理" in refusal.message_zh
    assert refusal.next_reception_day == date(2026, 9, 3)
    assert reception_refusal(EXAM, sh(2026, 9, 3), CAL) is None


def test_national_day_is_refused_and_the_next_reception_day_skips_the_golden_week():
    refusal = reception_refusal(EXAM, sh(2026, 10, 1), CAL)  # Thursday, National Day
    assert refusal is not None and refusal.reason == "not_working_day"
    assert "National Day" in refusal.message and "国庆节" in refusal.message_zh
    # Tue 6 October is a day off too (swapped with Sunday 20 September): Thursday 8 it is.
    assert refusal.next_reception_day == date(2026, 10, 8)
    assert "2026年10月8日（周四）" in refusal.message_zh


def test_a_make_up_saturday_is_a_working_day_and_has_slots():
    # Saturday 2026-10-10 is worked in exchange for 7 October.
    retained = item(mode=M.SEASONAL_MODE_RETAINED_WINDOW, months=[9, 10])
    assert reception_refusal(retained, sh(2026, 10, 10), CAL) is None
    sunday = reception_refusal(retained, sh(2026, 10, 11), CAL)
    assert sunday is not None and sunday.reason == "not_working_day"
    assert sunday.next_reception_day == date(2026, 10, 12)
    assert [s.starts_at for s in slots_of_day(DAILY, date(2026, 10, 10), CAL)] == [
        sh(2026, 10, 10, 9)
    ]
    assert slots_of_day(DAILY, date(2026, 10, 17), CAL) == []  # an ordinary Saturday


def test_fixed_reception_days_follow_the_weekdays_and_the_calendar():
    settlement = item(
        "WS-0002", mode=M.SEASONAL_MODE_FIXED_RECEPTION_DAYS, reception_weekdays=[1, 3, 5]
    )
    assert reception_refusal(settlement, sh(2026, 11, 30), CAL) is None  # Monday
    tuesday = reception_refusal(settlement, sh(2026, 12, 1), CAL)
    assert tuesday is not None and tuesday.next_reception_day == date(2026, 12, 2)
    # An extra day off the administrator entered wins over the weekday.
    closed = WorkCalendar([CalendarOverride(date(2026, 12, 2), working=False, note="snow")])
    wednesday = reception_refusal(settlement, sh(2026, 12, 2), closed)
    assert wednesday is not None and wednesday.reason == "not_working_day"
    assert wednesday.next_reception_day == date(2026, 12, 4)


def test_an_item_never_received_within_a_year_says_so():
    never = item(mode=M.SEASONAL_MODE_FIXED_RECEPTION_DAYS, months=[8], reception_weekdays=[7])
    refusal = reception_refusal(never, sh(2026, 8, 2), CAL)  # an August Sunday, no make-up day
    assert refusal is not None and refusal.next_reception_day is None
    assert "no reception day within the next year" in refusal.message
    assert "一年内没有接待日" in refusal.message_zh
    assert next_reception_day(never, date(2026, 8, 2), CAL) is None


def test_the_day_is_the_day_in_beijing():
    # 17:00 UTC on Monday 31 August is 01:00 on Tuesday 1 September in Beijing.
    assert reception_refusal(EXAM, datetime(2026, 8, 31, 17, tzinfo=UTC), CAL) is None
    with pytest.raises(ValueError):
        reception_refusal(EXAM, datetime(2026, 9, 1, 10), CAL)


def test_slots_over_a_range_skip_holidays_and_keep_make_up_days():
    slots = slots_between(DAILY, date(2026, 9, 28), date(2026, 10, 11), CAL)
    assert [s.day for s in slots] == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    ]
    exam = slots_between(EXAM, date(2026, 9, 1), date(2026, 9, 3), CAL)
    assert [(s.day, s.time) for s in exam] == [
        (date(2026, 9, 1), "09:00"),
        (date(2026, 9, 1), "14:30"),
        (date(2026, 9, 3), "09:00"),
        (date(2026, 9, 3), "14:30"),
    ]
    assert exam[1].starts_at.astimezone(UTC) == datetime(2026, 9, 1, 6, 30, tzinfo=UTC)


def test_booking_a_slot_is_checked_against_the_item_the_calendar_and_the_clock():
    now = sh(2026, 8, 20)
    assert slot_refusal(EXAM, sh(2026, 9, 1, 9), CAL, now=now) is None
    # The same instant written in UTC is the same slot.
    assert slot_refusal(EXAM, datetime(2026, 9, 1, 1, tzinfo=UTC), CAL, now=now) is None

    off_slot = slot_refusal(EXAM, sh(2026, 9, 1, 9, 15), CAL, now=now)
    assert isinstance(off_slot, InvalidArgument) and off_slot.field == "starts_at"
    assert "09:00, 14:30" in off_slot.message and "09:00, 14:30" in off_slot.message_zh

    holiday = slot_refusal(EXAM, sh(2026, 10, 1, 9), CAL, now=now)
    assert isinstance(holiday, ReceptionClosed) and holiday.field == "starts_at"

    past = slot_refusal(EXAM, sh(2026, 9, 1, 9), CAL, now=sh(2026, 9, 1, 9))
    assert isinstance(past, InvalidArgument) and "already begun" in past.message
    assert (
        slot_refusal(EXAM, sh(2026, 9, 1, 9), CAL, now=sh(2026, 9, 1, 9) - timedelta(seconds=1))
        is None
    )

    naive = slot_refusal(EXAM, datetime(2026, 9, 1, 9), CAL, now=now)
    assert isinstance(naive, InvalidArgument) and "timezone" in naive.message

    not_appointment = slot_refusal(item("LY-0001"), sh(2026, 9, 1, 9), CAL, now=now)
    assert isinstance(not_appointment, Conflict) and not_appointment.field == "item_code"
    assert "不实行预约服务" in not_appointment.message_zh


def test_the_pages_say_how_a_seasonal_item_is_received_in_both_languages():
    exam = catalog_pb2.CatalogItem()
    exam.CopyFrom(EXAM)
    exam.seasonal.note_zh, exam.seasonal.note_en = "集中考试", "Examinations"
    assert reception_lines(exam, "zh") == [
        ("办理方式", "预约服务"),
        ("办理月份", "2月、3月、9月、10月"),
        ("接待日", "每周二、周四（节假日除外）"),
        ("预约时段（北京时间）", "09:00、14:30，每时段20人"),
        ("说明", "集中考试"),
    ]
    assert reception_lines(exam, "en")[1:4] == [
        ("Months", "February, March, September and October"),
        ("Reception days", "Tuesdays and Thursdays (not on public holidays)"),
        ("Slots (Beijing time)", "09:00 and 14:30, 20 places each"),
    ]
    window = item(mode=M.SEASONAL_MODE_RETAINED_WINDOW, months=[3, 4, 5])
    assert reception_lines(window, "en") == [
        ("Received", "a retained window"),
        ("Months", "March, April and May"),
        ("Reception days", "every working day (make-up workdays included)"),
    ]
    assert reception_lines(item("LY-0001"), "zh") == []


def test_the_coming_reception_days_skip_the_season_and_the_holidays():
    # From a Monday in August: the season opens on Tuesday 1 September.
    assert upcoming_reception_days(EXAM, date(2026, 8, 31), CAL, count=3) == [
        date(2026, 9, 1),
        date(2026, 9, 3),
        date(2026, 9, 8),
    ]
    # The day itself counts; National Day week (1-7 October) is skipped.
    assert upcoming_reception_days(EXAM, date(2026, 9, 29), CAL, count=2) == [
        date(2026, 9, 29),
        date(2026, 10, 8),
    ]
    assert day_words(date(2026, 9, 1), "zh") == "2026年9月1日（周二）"
    assert day_words(date(2026, 9, 1), "en") == "Tuesday 2026-09-01"
