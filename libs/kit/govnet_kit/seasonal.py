"""Seasonal and periodic items (C5): on which days an item is received, and its slots.

Pure functions over a `CatalogItem` (the city's record or a tier's replica) and a
`WorkCalendar`, so every tier refuses the same days with the same words. An item that is not
seasonal is not restricted here: it is received whenever the window is open. A seasonal item is
received on a day that is in its months, on one of its reception weekdays (when it names any)
and a working day (make-up workdays count, holidays do not). Days are Asia/Shanghai days.

Appointment items also have slots: a start time ("HH:MM") on each reception day, each for
`slot_capacity` applicants. Booking them: govnet_kit.appointments, under the city's book
and each township's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

from govnet.catalog.v1 import catalog_pb2
from govnet_kit.errors import Conflict, DomainError, InvalidArgument
from govnet_kit.worktime import SHANGHAI, WorkCalendar

if TYPE_CHECKING:
    import holidays

APPOINTMENT = catalog_pb2.SEASONAL_MODE_APPOINTMENT
# How far ahead `next_reception_day` looks: a season comes round within a year, so a longer
# search would only find a calendar on which the item is never received.
SEARCH_DAYS = 400

_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class ReceptionClosed(Conflict):
    """The item is not received on that day; says why and names the next reception day."""

    code = "not_received"

    def __init__(
        self,
        message: str,
        *,
        message_zh: str,
        field: str,
        reason: str,
        next_reception_day: date | None,
    ) -> None:
        super().__init__(message, message_zh=message_zh, field=field)
        self.reason = reason  # "out_of_season" | "not_reception_day" | "not_working_day"
        self.next_reception_day = next_reception_day

    def to_dict(self) -> dict[str, object]:
        body = super().to_dict()
        body["reason"] = self.reason
        body["next_reception_day"] = (
            self.next_reception_day.isoformat() if self.next_reception_day else None
        )
        return body


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware, Asia/Shanghai
    time: str  # "HH:MM", as the catalog lists it

    @property
    def day(self) -> date:
        return self.starts_at.date()


def seasonal_of(item: catalog_pb2.CatalogItem) -> catalog_pb2.Seasonal | None:
    """The item's seasonal settings, or None for an item received on every working day."""
    if item.HasField("seasonal") and item.seasonal.mode:
        return item.seasonal
    return None


def is_appointment(item: catalog_pb2.CatalogItem) -> bool:
    seasonal = seasonal_of(item)
    return seasonal is not None and seasonal.mode == APPOINTMENT


def shanghai_day(at: datetime) -> date:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    return at.astimezone(SHANGHAI).date()


def _why_not(seasonal: catalog_pb2.Seasonal, day: date, calendar: WorkCalendar) -> str | None:
    if seasonal.months and day.month not in seasonal.months:
        return "out_of_season"
    if seasonal.reception_weekdays and day.isoweekday() not in seasonal.reception_weekdays:
        return "not_reception_day"
    if not calendar.is_working_day(day):
        return "not_working_day"
    return None


def is_reception_day(item: catalog_pb2.CatalogItem, day: date, calendar: WorkCalendar) -> bool:
    seasonal = seasonal_of(item)
    return seasonal is None or _why_not(seasonal, day, calendar) is None


def next_reception_day(
    item: catalog_pb2.CatalogItem, after: date, calendar: WorkCalendar
) -> date | None:
    """The first reception day strictly after `after`, or None if none comes within a year."""
    day = after
    for _ in range(SEARCH_DAYS):
        day += timedelta(days=1)
        if is_reception_day(item, day, calendar):
            return day
    return None


def day_refusal(
    item: catalog_pb2.CatalogItem,
    day: date,
    calendar: WorkCalendar,
    *,
    field: str = "item_code",
) -> ReceptionClosed | None:
    """Why `item` is not received on `day` (naming the next reception day), or None."""
    seasonal = seasonal_of(item)
    if seasonal is None:
        return None
    reason = _why_not(seasonal, day, calendar)
    if reason is None:
        return None
    upcoming = next_reception_day(item, day, calendar)
    if reason == "out_of_season":
        months_zh = "、".join(f"{m}月" for m in sorted(seasonal.months))
        months_en = _and([_MONTHS_EN[m - 1] for m in sorted(seasonal.months)])
        en = f"{item.code} is received only in {months_en}"
        zh = f"事项{item.code}仅在{months_zh}受理"
    elif reason == "not_reception_day":
        weekdays = sorted(seasonal.reception_weekdays)
        en = f"{item.code} is received only on " + _and(
            [_WEEKDAYS_EN[d - 1] + "s" for d in weekdays]
        )
        zh = f"事项{item.code}仅在每" + "、".join(_WEEKDAYS_ZH[d - 1] for d in weekdays) + "受理"
    else:
        name_zh, name_en = _holiday_names(day)
        en = f"{_day_en(day)} is not a working day" + (f" ({name_en})" if name_en else "")
        zh = f"{_day_zh(day)}不是工作日" + (f"（{name_zh}）" if name_zh else "")
    if upcoming is None:
        en += "; it has no reception day within the next year"
        zh += "，一年内没有接待日"
    else:
        en += f"; the next reception day is {_day_en(upcoming)}"
        zh += f"，下一个接待日是{_day_zh(upcoming)}"
    return ReceptionClosed(
        en, message_zh=zh, field=field, reason=reason, next_reception_day=upcoming
    )


def reception_refusal(
    item: catalog_pb2.CatalogItem,
    at: datetime,
    calendar: WorkCalendar,
    *,
    field: str = "item_code",
) -> ReceptionClosed | None:
    """Why `item` cannot be received at `at` (aware), or None if it can. For every tier."""
    return day_refusal(item, shanghai_day(at), calendar, field=field)


# -- appointment slots ------------------------------------------------------------------------


def slots_of_day(item: catalog_pb2.CatalogItem, day: date, calendar: WorkCalendar) -> list[Slot]:
    """The slots of an appointment item on `day`: none unless it is a reception day."""
    if not is_appointment(item) or not is_reception_day(item, day, calendar):
        return []
    return [_slot(day, hhmm) for hhmm in sorted(item.seasonal.slot_times)]


def slots_between(
    item: catalog_pb2.CatalogItem, first: date, last: date, calendar: WorkCalendar
) -> list[Slot]:
    """Every slot from `first` to `last`, both included, in time order."""
    slots: list[Slot] = []
    day = first
    while day <= last:
        slots.extend(slots_of_day(item, day, calendar))
        day += timedelta(days=1)
    return slots


def slot_refusal(
    item: catalog_pb2.CatalogItem,
    starts_at: datetime,
    calendar: WorkCalendar,
    *,
    now: datetime,
    field: str = "starts_at",
) -> DomainError | None:
    """Why a booking of the slot starting at `starts_at` is refused, or None."""
    seasonal = seasonal_of(item)
    if seasonal is None or seasonal.mode != APPOINTMENT:
        return Conflict(
            f"{item.code} is not received by appointment",
            message_zh=f"事项{item.code}不实行预约服务",
            field="item_code",
        )
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        return InvalidArgument(
            "give the slot's start with its timezone, e.g. 2026-09-01T09:00:00+08:00",
            message_zh="时段开始时间须带时区，例如 2026-09-01T09:00:00+08:00",
            field=field,
        )
    local = starts_at.astimezone(SHANGHAI)
    hhmm = local.strftime("%H:%M")
    if hhmm not in seasonal.slot_times or local.second or local.microsecond:
        times = ", ".join(sorted(seasonal.slot_times))
        return InvalidArgument(
            f"{local:%H:%M:%S} is not one of the slots of {item.code} ({times}, Beijing time)",
            message_zh=f"{local:%H:%M:%S}不是事项{item.code}的预约时段（北京时间 {times}）",
            field=field,
        )
    closed = day_refusal(item, local.date(), calendar, field=field)
    if closed is not None:
        return closed
    if starts_at <= now:
        return InvalidArgument(
            f"the slot {local:%Y-%m-%d %H:%M} has already begun",
            message_zh=f"{local:%Y-%m-%d %H:%M}的时段已开始或已过去",
            field=field,
        )
    return None


def _slot(day: date, hhmm: str) -> Slot:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return Slot(starts_at=datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI), time=hhmm)


# -- words ------------------------------------------------------------------------------------


_MODE_WORDS = {
    catalog_pb2.SEASONAL_MODE_RETAINED_WINDOW: ("保留窗口", "a retained window"),
    catalog_pb2.SEASONAL_MODE_FIXED_RECEPTION_DAYS: ("定期接待日", "fixed reception days"),
    APPOINTMENT: ("预约服务", "by appointment"),
}


def reception_lines(item: catalog_pb2.CatalogItem, lang: str) -> list[tuple[str, str]]:
    """(heading, text) of how a seasonal item is received, in `lang` ("zh" or "en"), for the
    pages of every tier; empty for an item received on every working day."""
    seasonal = seasonal_of(item)
    if seasonal is None:
        return []
    zh = lang == "zh"
    mode = _MODE_WORDS.get(seasonal.mode, ("", ""))[0 if zh else 1]
    months = sorted(seasonal.months)
    weekdays = sorted(seasonal.reception_weekdays)
    if zh:
        lines = [
            ("办理方式", mode),
            ("办理月份", "、".join(f"{m}月" for m in months) if months else "全年"),
            (
                "接待日",
                "每" + "、".join(_WEEKDAYS_ZH[d - 1] for d in weekdays) + "（节假日除外）"
                if weekdays
                else "每个工作日（含调休上班日）",
            ),
        ]
    else:
        lines = [
            ("Received", mode),
            ("Months", _and([_MONTHS_EN[m - 1] for m in months]) if months else "all year"),
            (
                "Reception days",
                _and([_WEEKDAYS_EN[d - 1] + "s" for d in weekdays]) + " (not on public holidays)"
                if weekdays
                else "every working day (make-up workdays included)",
            ),
        ]
    if seasonal.mode == APPOINTMENT and seasonal.slot_times:
        times = sorted(seasonal.slot_times)
        lines.append(
            ("预约时段（北京时间）", "、".join(times) + f"，每时段{seasonal.slot_capacity}人")
            if zh
            else (
                "Slots (Beijing time)",
                _and(times) + f", {places_en(seasonal.slot_capacity)} each",
            )
        )
    note = seasonal.note_zh if zh else seasonal.note_en
    if note:
        lines.append(("说明" if zh else "Note", note))
    return lines


def places_en(count: int) -> str:
    """A slot's capacity in English: 1 place, 20 places (Chinese needs no plural)."""
    return f"{count} place" if count == 1 else f"{count} places"


def upcoming_reception_days(
    item: catalog_pb2.CatalogItem, first: date, calendar: WorkCalendar, *, count: int = 5
) -> list[date]:
    """The first `count` reception days from `first` on (`first` included), within a year."""
    days: list[date] = []
    day = first - timedelta(days=1)
    while len(days) < count:
        found = next_reception_day(item, day, calendar)
        if found is None or (found - first).days >= SEARCH_DAYS:
            break
        days.append(found)
        day = found
    return days


def day_words(day: date, lang: str) -> str:
    """A day as the refusals say it: 2026年9月1日（周二） or Tuesday 2026-09-01."""
    return _day_zh(day) if lang == "zh" else _day_en(day)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _day_en(day: date) -> str:
    return f"{_WEEKDAYS_EN[day.weekday()]} {day.isoformat()}"


def _day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{_WEEKDAYS_ZH[day.weekday()]}）"


@cache
def _named_holidays(year: int, language: str) -> holidays.HolidayBase:
    import holidays  # when first needed, as in govnet_kit.worktime._china

    return holidays.China(years=year, language=language)


def _holiday_names(day: date) -> tuple[str, str]:
    """The public holiday's name in Chinese and English, or empty for a plain weekend."""
    return (
        _named_holidays(day.year, "zh_CN").get(day, ""),
        _named_holidays(day.year, "en_US").get(day, ""),
    )
