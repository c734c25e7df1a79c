"""The administrator's working-day table (decision 6, L2): public to read, the administrator
publishes a year whole and every tier receives it with the catalog."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from city_center.catalog.dependencies import Administrator
from govnet.events.v1 import events_pb2
from govnet_kit import audit, calendar_table
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1", tags=["calendar"])
Year = Path(ge=2000, le=2100)


class DayIn(BaseModel):
    day: date
    working: bool = Field(description="true: a make-up workday; false: an extra day off")
    note: str = Field(default="", max_length=200)


class YearIn(BaseModel):
    confirmed: bool = Field(description="the official holiday schedule of the year is known")
    days: list[DayIn] = Field(default_factory=list, max_length=366)


class YearOut(BaseModel):
    year: int
    published: bool
    confirmed: bool
    days: list[DayIn]


@router.get("/calendar/{year}", response_model=YearOut, tags=["public"])
async def get_year(runtime: CurrentRuntime, year: int = Year) -> YearOut:
    """Public on purpose: which days count for deadlines."""
    async with transaction(runtime.sessions) as session:
        head, rows = await calendar_table.year_rows(session, year)
    return YearOut(
        year=year,
        published=head is not None,
        confirmed=bool(head and head.confirmed),
        days=[DayIn(day=r.day, working=r.working, note=r.note) for r in rows],
    )


@router.put("/admin/calendar/{year}", response_model=YearOut)
async def publish_year(
    body: YearIn, admin: Administrator, runtime: CurrentRuntime, year: int = Year
) -> YearOut:
    async with transaction(runtime.sessions) as session:
        rows = await calendar_table.publish_year(
            session,
            year=year,
            confirmed=body.confirmed,
            days=[
                events_pb2.CalendarDay(day=d.day.isoformat(), working=d.working, note=d.note)
                for d in body.days
            ],
        )
        await audit.append(
            session,
            actor=f"staff:{admin.subject}",
            action="calendar.published",
            data={"year": year, "confirmed": body.confirmed, "days": len(rows)},
        )
    runtime.committed()
    return YearOut(
        year=year,
        published=True,
        confirmed=body.confirmed,
        days=[DayIn(day=r.day, working=r.working, note=r.note) for r in rows],
    )
