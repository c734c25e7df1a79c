"""The duty roster: who is on duty on which working day, and whether every working day is covered.

Working days come from the calendar (decision 6): a make-up Saturday must be covered, a public
holiday need not be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.errors import InvalidArgument
from govnet_kit.worktime import WorkCalendar
from village_room.roster.models import CollectiveOfficeDay, DutyAssignment, DutyMember

MAX_RANGE_DAYS = 366


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidArgument("to is before from", message_zh="结束日期早于开始日期", field="to")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidArgument(
            f"at most {MAX_RANGE_DAYS} days at once",
            message_zh=f"一次最多查询或排班 {MAX_RANGE_DAYS} 天",
            field="to",
        )


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


async def put_member(
    session: AsyncSession,
    *,
    place_code: str,
    staff_id: str,
    actor: str,
    display_name: str,
    committee: str,
    off_duty_contact: str,
    active: bool,
) -> DutyMember:
    member = await session.scalar(
        select(DutyMember).where(
            DutyMember.place_code == place_code, DutyMember.staff_id == staff_id
        )
    )
    if member is None:
        member = DutyMember(place_code=place_code, staff_id=staff_id)
        session.add(member)
    member.display_name = display_name
    member.committee = committee
    member.off_duty_contact = off_duty_contact
    member.active = active
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="roster.member_set",
        data={
            "place_code": place_code,
            "staff_id": staff_id,
            "committee": committee,
            "active": active,
        },
    )
    return member


async def members(session: AsyncSession, *, place_code: str) -> list[DutyMember]:
    rows = await session.scalars(
        select(DutyMember)
        .where(DutyMember.place_code == place_code)
        .order_by(DutyMember.committee, DutyMember.display_name)
    )
    return list(rows.all())


async def _active_members(
    session: AsyncSession, place_code: str, staff_ids: Sequence[str]
) -> list[DutyMember]:
    """The members for these staff ids, in the given order; unknown or inactive ones refused."""
    if len(set(staff_ids)) != len(staff_ids):
        raise InvalidArgument(
            "a staff id appears twice", message_zh="值班人员重复", field="staff_ids"
        )
    by_staff = {m.staff_id: m for m in await members(session, place_code=place_code)}
    missing = [s for s in staff_ids if s not in by_staff or not by_staff[s].active]
    if missing:
        raise InvalidArgument(
            f"not an active member of this room's roster: {', '.join(missing)}",
            message_zh=f"不是本服务室在册的值班人员：{'、'.join(missing)}",
            field="staff_ids",
        )
    return [by_staff[s] for s in staff_ids]


async def set_day(
    session: AsyncSession, *, place_code: str, day: date, staff_ids: Sequence[str], actor: str
) -> None:
    chosen = await _active_members(session, place_code, staff_ids)
    await session.execute(
        delete(DutyAssignment).where(
            DutyAssignment.place_code == place_code, DutyAssignment.day == day
        )
    )
    session.add_all(DutyAssignment(place_code=place_code, day=day, member_id=m.id) for m in chosen)
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="roster.day_set",
        data={"place_code": place_code, "day": day.isoformat(), "staff_ids": list(staff_ids)},
    )


async def rotate(
    session: AsyncSession,
    *,
    place_code: str,
    start: date,
    end: date,
    staff_ids: Sequence[str],
    per_day: int,
    calendar: WorkCalendar,
    actor: str,
) -> None:
    """Members take turns over the working days of the range; what was there is replaced."""
    check_range(start, end)
    chosen = await _active_members(session, place_code, staff_ids)
    if per_day > len(chosen):
        raise InvalidArgument(
            f"{per_day} a day needs at least {per_day} members",
            message_zh=f"每天 {per_day} 人值班，至少需要 {per_day} 名值班人员",
            field="per_day",
        )
    await session.execute(
        delete(DutyAssignment).where(
            DutyAssignment.place_code == place_code,
            DutyAssignment.day >= start,
            DutyAssignment.day <= end,
        )
    )
    turn = 0
    for day in _days(start, end):
        if not calendar.is_working_day(day):
            continue
        for _ in range(per_day):
            member = chosen[turn % len(chosen)]
            session.add(DutyAssignment(place_code=place_code, day=day, member_id=member.id))
            turn += 1
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="roster.rotated",
        data={
            "place_code": place_code,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "staff_ids": list(staff_ids),
            "per_day": per_day,
        },
    )


async def on_duty(
    session: AsyncSession, *, place_code: str, start: date, end: date
) -> dict[date, list[DutyMember]]:
    rows = await session.execute(
        select(DutyAssignment.day, DutyMember)
        .join(DutyMember, DutyMember.id == DutyAssignment.member_id)
        .where(
            DutyAssignment.place_code == place_code,
            DutyAssignment.day >= start,
            DutyAssignment.day <= end,
        )
        .order_by(DutyAssignment.day, DutyMember.display_name)
    )
    out: dict[date, list[DutyMember]] = {}
    for day, member in rows.all():
        out.setdefault(day, []).append(member)
    return out


async def set_collective_day(
    session: AsyncSession,
    *,
    place_code: str,
    month: str,
    day: date,
    calendar: WorkCalendar,
    actor: str,
) -> CollectiveOfficeDay:
    if day.strftime("%Y-%m") != month:
        raise InvalidArgument(
            f"{day.isoformat()} is not in {month}",
            message_zh=f"{day.isoformat()} 不在 {month} 月内",
            field="day",
        )
    if not calendar.is_working_day(day):
        raise InvalidArgument(
            f"{day.isoformat()} is not a working day",
            message_zh=f"{day.isoformat()} 不是工作日",
            field="day",
        )
    row = await session.get(CollectiveOfficeDay, (place_code, month))
    if row is None:
        row = CollectiveOfficeDay(place_code=place_code, month=month, day=day)
        session.add(row)
    row.day = day
    await session.flush()
    await audit.append(
        session,
        actor=actor,
        action="roster.collective_office_day_set",
        data={"place_code": place_code, "month": month, "day": day.isoformat()},
    )
    return row


async def collective_days(
    session: AsyncSession, *, place_code: str, months: Sequence[str]
) -> list[CollectiveOfficeDay]:
    rows = await session.scalars(
        select(CollectiveOfficeDay)
        .where(
            CollectiveOfficeDay.place_code == place_code,
            CollectiveOfficeDay.month.in_(list(months)),
        )
        .order_by(CollectiveOfficeDay.day)
    )
    return list(rows.all())


@dataclass
class Coverage:
    working_days: int = 0
    covered: int = 0
    gaps: list[date] = field(default_factory=list)
    months_without_collective_day: list[str] = field(default_factory=list)
    collective_days: list[CollectiveOfficeDay] = field(default_factory=list)
    calendar_warning: str | None = None

    @property
    def warning(self) -> str | None:
        parts_zh, parts_en = [], []
        if self.gaps:
            days = ", ".join(d.isoformat() for d in self.gaps)
            parts_zh.append(f"{len(self.gaps)} 个工作日无人值班：{days}")
            parts_en.append(f"{len(self.gaps)} working day(s) without anyone on duty: {days}")
        if self.months_without_collective_day:
            months = ", ".join(self.months_without_collective_day)
            parts_zh.append(f"未安排集中办公日的月份：{months}")
            parts_en.append(f"months without a collective office day: {months}")
        if not parts_zh:
            return None
        return "；".join(parts_zh) + " / " + "; ".join(parts_en)


async def coverage(
    session: AsyncSession,
    *,
    place_code: str,
    start: date,
    end: date,
    calendar: WorkCalendar,
    confirmed_years: Sequence[int],
) -> Coverage:
    """Every working day of the range without an active member on duty, and months without a
    collective office day."""
    check_range(start, end)
    duty = await on_duty(session, place_code=place_code, start=start, end=end)
    out = Coverage()
    for day in _days(start, end):
        if not calendar.is_working_day(day):
            continue
        out.working_days += 1
        if any(m.active for m in duty.get(day, [])):
            out.covered += 1
        else:
            out.gaps.append(day)
    # Whole months: a range starting mid-month still sees that month's collective day.
    months = sorted({d.strftime("%Y-%m") for d in _days(start, end)})
    out.collective_days = await collective_days(session, place_code=place_code, months=months)
    have = {row.month for row in out.collective_days}
    out.months_without_collective_day = [m for m in months if m not in have]
    out.calendar_warning = _calendar_warning(confirmed_years, start, end)
    return out


def _calendar_warning(confirmed_years: Sequence[int], start: date, end: date) -> str | None:
    years = [y for y in range(start.year, end.year + 1) if y not in confirmed_years]
    if not years:
        return None
    text = ", ".join(str(y) for y in years)
    return (
        f"涉及尚未确认官方节假日安排的年份：{text}"
        f" / covers years whose official holiday schedule is not confirmed: {text}"
    )
