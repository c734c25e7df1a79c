"""The administrator's working-day table (decision 6, L2): published whole by the city, replaced
whole at every tier, it moves deadlines and silences the warning for a confirmed year."""

from __future__ import annotations

from datetime import datetime

import pytest
import pytest_asyncio
from sqlalchemy import select

from govnet.events.v1 import events_pb2
from govnet_kit import calendar_table, catalog_replica
from govnet_kit.consumer import Event
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.messaging import OutboxMessage
from govnet_kit.worktime import SHANGHAI
from tests.dbkit import fresh_sessions

ACCEPTED = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)  # Monday


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def tiers(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as city:
        async with fresh_sessions(request.param, tmp_path) as village:
            yield city, village


async def _publish(city, year: int, confirmed: bool, days: list[tuple[str, bool]]) -> Event:
    async with transaction(city) as s:
        await calendar_table.publish_year(
            s,
            year=year,
            confirmed=confirmed,
            days=[events_pb2.CalendarDay(day=d, working=w, note="test") for d, w in days],
        )
    async with city() as s:
        row = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.seq.desc()))).first()
    assert row.subject == f"govnet.catalog.calendar.{year}"
    return Event(subject=row.subject, event_id=row.event_id, data=row.payload, headers={})


async def _deadline(sessions, confirmed=(2026,)):
    async with sessions() as s:
        return (await calendar_table.calendar(s, confirmed)).deadline(ACCEPTED, 5)


async def test_an_extra_day_off_reaches_the_village_and_moves_the_deadline(tiers):
    city, village = tiers
    before = await _deadline(village)
    # 12/29, 12/30, 12/31, (1/1-1/3 New Year), 1/4, 1/5 -> due end of 1/5/2027
    assert before.due_day.isoformat() == "2027-01-05"
    assert before.warning and "2027" in before.warning

    event = await _publish(city, 2027, True, [("2027-01-04", False)])
    async with transaction(village) as s:
        await catalog_replica.handle_published(s, event)
    after = await _deadline(village)
    assert after.due_day.isoformat() == "2027-01-06"  # Monday 1/4 declared a day off
    assert after.warning is None  # 2027 confirmed by the administrator

    # Published again without the day: the copy is replaced whole, not merged.
    event = await _publish(city, 2027, False, [])
    async with transaction(village) as s:
        await catalog_replica.handle_published(s, event)
    again = await _deadline(village)
    assert again.due_day.isoformat() == "2027-01-05" and again.warning


async def test_a_make_up_workday_counts(tiers):
    city, _ = tiers
    await _publish(city, 2026, True, [("2026-12-26", True)])  # a Saturday made a workday
    async with city() as s:
        cal = await calendar_table.calendar(s)
    assert cal.deadline(datetime(2026, 12, 25, 10, tzinfo=SHANGHAI), 1).due_day.isoformat() == (
        "2026-12-26"
    )


@pytest.mark.parametrize(
    ("days", "field"),
    [
        ([("2026-13-01", False)], "days[0].day"),
        ([("2027-01-04", False)], "days[0].day"),
        ([("2026-05-06", False), ("2026-05-06", True)], "days[1].day"),
    ],
)
async def test_bad_rows_are_refused_by_row(tiers, days, field):
    city, _ = tiers
    with pytest.raises(InvalidArgument) as err:
        await _publish(city, 2026, False, days)
    assert err.value.field == field
