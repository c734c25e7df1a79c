"""The city's console pages without a browser: the city's app in process on PostgreSQL, its
identity a real gRPC server (decision 8: the city relays sign-in and accounts to it), staff
signed in on the city's own form. Shared by the console's HTTP page tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.catalog import bulk
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.seed import SEED_FILE
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from identity.staff import service as staff_service
from tests.dbkit import fresh_sessions
from tests.identity.grpc_identity import identity_server

CITY = "341100000000"
PASSWORD = "correct horse battery"
SEEDER = Principal(subject="seed", kind="staff", roles=frozenset({"administrator"}), tier="city")

# username, display name, tier, place, department, roles
Account = tuple[str, str, str, str, str, list[str]]


@asynccontextmanager
async def city_console(
    tmp: Path, accounts: Sequence[Account], *, catalog: bool = True, **settings: Any
) -> AsyncIterator[tuple[Any, dict[str, str], Any]]:
    """(the city's app, staff id by username, identity's sessions): the accounts created in
    identity with `PASSWORD`, and the seed catalog published at the city (its departments)."""
    async with (
        fresh_sessions("postgresql", tmp) as identity_db,
        fresh_sessions("postgresql", tmp) as city_db,
    ):
        ids = {}
        async with transaction(identity_db) as s:
            for username, name, tier, place, dept, roles in accounts:
                staff = await staff_service.create_staff(
                    s,
                    actor=SEEDER,
                    username=username,
                    password=PASSWORD,
                    display_name=name,
                    tier=tier,
                    place_code=place,
                    department_code=dept,
                    roles=roles,
                )
                ids[username] = staff.id
        if catalog:
            async with transaction(city_db) as s:
                await bulk.import_catalog(
                    s, SEED_FILE.read_text(encoding="utf-8"), publish=True, actor="system:test"
                )
        async with identity_server(identity_db, tmp) as identity:
            config = CityCenterSettings(  # type: ignore[call-arg]
                database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}",
                identity_grpc_target=identity.target,
                **settings,
            )
            runtime, app = build(config)
            runtime.sessions = city_db
            runtime.verifier.set_keys(identity.keys)
            try:
                yield app, ids, identity_db
            finally:
                await runtime.identity_channel.close()
                await runtime.engine.dispose()


@asynccontextmanager
async def visitor_of(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (cookie jar), signed out."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://city", timeout=30.0
    ) as client:
        yield client


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, next_page: str = "/console"
) -> httpx.Response:
    """The city's sign-in form, relayed to identity; 303 when it lets the person in."""
    await client.get("/staff/sign-in")
    return await client.post(
        "/staff/sign-in",
        data={
            "username": username,
            "password": password,
            "next": next_page,
            "csrf": client.cookies["govnet_csrf"],
        },
    )


def post(client: httpx.AsyncClient, path: str, **data: str | list[str]):  # type: ignore[no-untyped-def]
    """A form post with the page's CSRF token, as the browser sends it."""
    return client.post(path, data={**data, "csrf": client.cookies["govnet_csrf"]})
