"""A page refused for who opened it is in the access log, as the JSON API's refusals are
(decision 7, A2): staff of another tier posting to the village's duty console, and a form
posted without its token, each leave an `access.refused` entry naming who, what and why, and
store nothing else."""

from __future__ import annotations

import httpx
import pytest_asyncio
from sqlalchemy import func, select

import village_room.models  # noqa: F401 - registers the service's tables
from govnet_kit.audit import AuditEntry
from tests.dbkit import fresh_sessions
from tests.tokens import key_set, staff_token
from village_room.config import VillageRoomSettings
from village_room.main import build
from village_room.visit.models import Visit

VILLAGE, TOWNSHIP = "341102101201", "341102101000"


@pytest_asyncio.fixture(scope="module")
async def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("page-refusals")
    async with fresh_sessions("postgresql", tmp) as sessions:
        settings = VillageRoomSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        yield fastapi_app, runtime
        await runtime.engine.dispose()


@pytest_asyncio.fixture
async def client(app):
    transport = httpx.ASGITransport(app=app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://village") as c:
        yield c


async def refusals(runtime, path: str) -> list[AuditEntry]:
    async with runtime.sessions() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.action == "access.refused").order_by(AuditEntry.seq)
        )
        return [r for r in rows if r.facts.get("path") == path]


async def visits(runtime) -> int:
    async with runtime.sessions() as s:
        return (await s.scalar(select(func.count()).select_from(Visit))) or 0


async def test_staff_of_another_tier_refused_on_a_page_is_logged(app, client):
    _, runtime = app
    client.cookies.set(
        "govnet_session", staff_token(tier="town", place=TOWNSHIP, sub="town-clerk-7")
    )
    await client.get("/lookup")  # the form token a visit leaves
    resp = await client.post(
        "/duty/visits", data={"topic": "代办宅基地", "csrf": client.cookies["govnet_csrf"]}
    )
    assert resp.status_code == 403 and "无权在本层级办理" in resp.text
    [entry] = await refusals(runtime, "/duty/visits")
    assert entry.actor == "town-clerk-7"
    assert entry.facts["channel"] == "http" and entry.facts["method"] == "POST"
    assert entry.facts["reason"]
    assert await visits(runtime) == 0


async def test_a_form_without_its_token_is_refused_and_logged(app, client):
    _, runtime = app
    client.cookies.set("govnet_session", staff_token(place=VILLAGE, sub="clerk-9"))
    await client.get("/lookup")
    resp = await client.post("/duty/visits", data={"topic": "代办宅基地", "csrf": "forged"})
    assert resp.status_code == 403
    entries = [e for e in await refusals(runtime, "/duty/visits") if e.actor == "clerk-9"]
    assert [e.facts["reason"] for e in entries] == ["form token missing or wrong"]
    assert await visits(runtime) == 0
