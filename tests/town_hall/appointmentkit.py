"""The township appointment book's test world: the hall's app in process on PostgreSQL, tokens
signed by the tests' key (`tests.tokens`), the clock fixed on Monday 2026-08-31 10:00 Beijing
time, and a catalog copy with appointment items the township receives and one only the city
receives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import func, select

import town_hall.models  # noqa: F401 - registers the service's tables
from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2
from govnet_kit import catalog_replica
from govnet_kit.db import transaction
from govnet_kit.runtime import Runtime
from govnet_kit.worktime import SHANGHAI
from tests import tokens
from tests.dbkit import fresh_sessions
from tests.town_hall.townkit import ITEMS, OTHER_TOWNSHIP, RESETTLEMENT, TOWNSHIP, load_catalog
from town_hall.appointment import dependencies
from town_hall.appointment.models import TownAppointment
from town_hall.config import TownHallSettings
from town_hall.main import build

__all__ = ["OTHER_TOWNSHIP", "TOWNSHIP"]

NOW = datetime(2026, 8, 31, 10, 0, tzinfo=SHANGHAI)  # a Monday
M = catalog_pb2

EXAM = "NJ-0911"  # the township decides; Tuesdays and Thursdays in Sep/Oct, 09:00 and 14:30
FORWARDED = "NJ-0912"  # the city decides, the township forwards; every working day, 1 place
CITY_ONLY = "NJ-0913"  # the city alone receives it


def _appointment_item(code: str, **seasonal: object) -> catalog_pb2.CatalogItem:
    out = catalog_pb2.CatalogItem()
    out.CopyFrom(next(i for i in ITEMS if i.code == RESETTLEMENT))
    out.code = code
    out.name_zh, out.name_en = f"预约事项{code}", f"Appointment item {code}"
    out.seasonal.CopyFrom(M.Seasonal(mode=M.SEASONAL_MODE_APPOINTMENT, **seasonal))  # type: ignore[arg-type]
    return out


def appointment_items() -> list[catalog_pb2.CatalogItem]:
    exam = _appointment_item(
        EXAM,
        months=[9, 10],
        reception_weekdays=[2, 4],
        slot_times=["09:00", "14:30"],
        slot_capacity=2,
    )
    forwarded = _appointment_item(FORWARDED, slot_times=["09:00", "15:00"], slot_capacity=1)
    forwarded.handling[0].handling = M.HANDLING_ASSISTED
    city_only = _appointment_item(CITY_ONLY, slot_times=["09:00"], slot_capacity=5)
    del city_only.handling[:]
    city_only.handling.append(M.TierHandling(tier=case_pb2.TIER_CITY, handling=M.HANDLING_DIRECT))
    return [exam, forwarded, city_only]


def token(place: str = TOWNSHIP, tier: str = "town") -> str:
    return tokens.staff_token(tier=tier, place=place)


def bearer(place: str = TOWNSHIP, tier: str = "town") -> dict[str, str]:
    return tokens.bearer(token(place, tier))


@asynccontextmanager
async def town_app(tmp: Path) -> AsyncIterator[tuple[FastAPI, Runtime]]:
    async with fresh_sessions("postgresql", tmp) as sessions:
        async with transaction(sessions) as s:
            await load_catalog(s)
            for item in appointment_items():
                await catalog_replica.store(s, item)
        settings = TownHallSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app, _ = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(tokens.key_set())
        set_clock(fastapi_app, NOW)
        yield fastapi_app, runtime
        await runtime.engine.dispose()


def set_clock(app: FastAPI, at: datetime) -> None:
    app.dependency_overrides[dependencies.clock] = lambda: at


def slot(day: str, hhmm: str) -> str:
    """A slot's start as the slots list gives it."""
    return f"{day}T{hhmm}:00+08:00"


async def stored(runtime: Runtime, **where: object) -> int:
    """Bookings in the hall's book matching `where` (column == value)."""
    async with transaction(runtime.sessions) as s:
        query = select(func.count()).select_from(TownAppointment)
        for column, value in where.items():
            query = query.where(getattr(TownAppointment, column) == value)
        return int(await s.scalar(query) or 0)


async def clear(runtime: Runtime) -> None:
    async with transaction(runtime.sessions) as s:
        await s.execute(TownAppointment.__table__.delete())
