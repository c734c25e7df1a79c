"""What the supervision tests share: thin status events as the tiers send them, a signed-in
principal for the city's app, and the app itself on a fresh PostgreSQL database."""

from __future__ import annotations

import uuid
from datetime import datetime

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.cases import ts
from govnet_kit.consumer import Event
from govnet_kit.worktime import SHANGHAI
from tests.tokens import bearer, key_set, staff_token

CITY = "341100000000"
TOWN = "341102101000"
VILLAGE = "341102101201"
OTHER_VILLAGE = "341103101201"  # another county
TIER = {"village": case_pb2.TIER_VILLAGE, "town": case_pb2.TIER_TOWN, "city": case_pb2.TIER_CITY}
S = case_pb2


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def status_event(
    number: str,
    tier: str,
    status: int,
    at: datetime,
    *,
    place: str | None = None,
    deadline: datetime | None = None,
    staff: str = "",
    department: str = "forestry",
    item: str = "LY-0001",
    reason_code: str = "",
    suspended: bool = False,
    window: str = "",
) -> events_pb2.CaseStatusChanged:
    origin = number.split("-")[0]
    default_place = {"village": origin, "town": TOWN, "city": CITY}[tier]
    event = events_pb2.CaseStatusChanged(
        event_id=uuid.uuid4().hex,
        case_number=number,
        item_code=item,
        item_version=1,
        tier=TIER[tier],
        place_code=place or default_place,
        origin_place_code=origin,
        department_code=department,
        window_id=window,
        acting_staff_id=staff,
        status=status,
        suspended=suspended,
        reason_code=reason_code,
        occurred_at=ts(at),
    )
    if deadline is not None:
        event.deadline.CopyFrom(ts(deadline))
    return event


def as_message(event: events_pb2.CaseStatusChanged) -> Event:
    tier = {1: "village", 2: "town", 3: "city"}[event.tier]
    return Event(
        subject=f"govnet.case.status.{tier}.{event.origin_place_code}",
        event_id=event.event_id,
        data=event.SerializeToString(),
        headers={"Nats-Msg-Id": event.event_id},
    )


def staff(
    subject: str, *, roles: tuple[str, ...] = ("window",), place: str = CITY, tier: str = "city"
) -> dict[str, str]:
    return bearer(staff_token(tier=tier, place=place, roles=roles, sub=subject))


def supervisor(place: str = CITY) -> dict[str, str]:
    return staff("sup-1", roles=("supervisor",), place=place)


class Clock:
    """Now, as the city's edges see it; tests move it by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def city_app(sessions, tmp_path, clock: Clock):  # type: ignore[no-untyped-def]
    """The city's FastAPI app on the given database, trusting the tests' signing key."""
    from city_center.config import CityCenterSettings
    from city_center.main import build
    from city_center.supervision import dependencies

    settings = CityCenterSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")  # type: ignore[call-arg]
    runtime, app = build(settings)
    runtime.sessions = sessions
    runtime.verifier.set_keys(key_set())
    app.dependency_overrides[dependencies.clock] = clock
    return runtime, app


async def emptied(sessions) -> None:  # type: ignore[no-untyped-def]
    """Every table empty again: one database per module, truncated between tests (DDL per
    test is what makes a suite slow)."""
    from sqlalchemy import text

    from govnet_kit.db import Base

    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with sessions.begin() as s:
        await s.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
