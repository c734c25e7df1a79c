"""The reads the window pages need beyond the JSON API's: each case's clock as the window reads
it, where a city item's escalation stands (its pending call), and the township's seasonal
items from its catalog copy (C5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import calls, catalog_replica, lifecycle, seasonal
from govnet_kit.db import utcnow
from govnet_kit.worktime import WorkCalendar
from town_hall.case import service as case_service
from town_hall.case.models import TownCase, TownCaseMaterial
from town_hall.web.common import HANDLING

DONE = (
    *lifecycle.DECIDED,
    case_pb2.CASE_STATUS_WITHDRAWN,
    case_pb2.CASE_STATUS_REPLIED,
    case_pb2.CASE_STATUS_CLOSED,
)


@dataclass(frozen=True)
class Clock:
    """kind: running, due_today, overdue, suspended, stopped (decided or withdrawn)."""

    kind: str
    days: int = 0

    def label(self, lang: str) -> str:
        zh, en = {
            "running": (f"剩 {self.days} 个工作日", f"{self.days} working days left"),
            "due_today": ("今日到期", "due today"),
            "overdue": ("已超期", "overdue"),
            "suspended": (f"已暂停（剩 {self.days} 个工作日）", f"paused ({self.days} left)"),
            "stopped": ("已停止", "stopped"),
        }[self.kind]
        return zh if lang == "zh" else en


def clock(case: TownCase, calendar: WorkCalendar, now: datetime) -> Clock:
    if case.status in DONE:
        return Clock("stopped")
    if case.status == case_pb2.CASE_STATUS_SUSPENDED:
        return Clock("suspended", case.remaining_days or 0)
    if now >= case.deadline:
        return Clock("overdue")
    left = calendar.remaining(now, case.deadline)
    return Clock("due_today") if left <= 0 else Clock("running", left)


async def escalation(session: AsyncSession, case: TownCase) -> calls.PendingCall | None:
    """The call that takes a city item up (queued at receipt or walk-in acceptance)."""
    return await session.scalar(
        select(calls.PendingCall).where(
            calls.PendingCall.kind == case_service.ESCALATE,
            calls.PendingCall.key == case.case_number,
        )
    )


async def materials(session: AsyncSession, case: TownCase) -> list[TownCaseMaterial]:
    rows = await session.scalars(
        select(TownCaseMaterial)
        .options(defer(TownCaseMaterial.content))  # names only: the scans stay in the database
        .where(TownCaseMaterial.case_id == case.id)
        .order_by(TownCaseMaterial.code)
    )
    return list(rows.all())


@dataclass(frozen=True)
class SeasonalItem:
    item: catalog_pb2.CatalogItem
    handling: str
    lines: list[tuple[str, str]]
    today: str  # empty when today is a reception day, else why not (naming the next one)
    upcoming: list[str]
    appointment: bool


async def seasonal_items(
    session: AsyncSession, *, lang: str, calendar: WorkCalendar
) -> list[SeasonalItem]:
    """The seasonal items the township accepts, in force in its catalog copy, by code."""
    today = seasonal.shanghai_day(utcnow())
    out = []
    for item in await catalog_replica.in_force(session):
        handling = catalog_replica.handling_at(item, case_service.TIER)
        if handling == catalog_pb2.HANDLING_UNSPECIFIED or seasonal.seasonal_of(item) is None:
            continue
        key = catalog_pb2.Handling.Name(handling).removeprefix("HANDLING_").lower()
        closed = seasonal.day_refusal(item, today, calendar)
        out.append(
            SeasonalItem(
                item=item,
                handling=HANDLING.get(key, (key, key))[lang != "zh"],
                lines=seasonal.reception_lines(item, lang),
                today=""
                if closed is None
                else (closed.message_zh if lang == "zh" else closed.message),
                upcoming=[
                    seasonal.day_words(d, lang)
                    for d in seasonal.upcoming_reception_days(item, today, calendar)
                ],
                appointment=seasonal.is_appointment(item),
            )
        )
    return out
