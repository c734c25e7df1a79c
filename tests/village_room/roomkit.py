"""The village room's app on a real database, for the room tests: tokens, a client, a runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

import village_room.models  # noqa: F401 - registers the service's tables
from tests.dbkit import fresh_sessions
from tests.tokens import bearer, key_set, sign, staff_token
from village_room.config import VillageRoomSettings
from village_room.main import build

VILLAGE, OTHER_VILLAGE, TOWNSHIP = "341102101201", "341102101202", "341102101000"


def token(claims: dict) -> dict[str, str]:
    """Headers for an access token with exactly these claims (identity's registered ones added)."""
    return bearer(sign(claims))


def staff(place: str = VILLAGE, tier: str = "village", sub: str | None = None) -> dict[str, str]:
    return bearer(staff_token(tier=tier, place=place, sub=sub))


@asynccontextmanager
async def room_app(kind: str, tmp: Path) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    """The village's HTTP API in-process on a fresh database of `kind`; (client, runtime)."""
    async with fresh_sessions(kind, tmp) as sessions:
        settings = VillageRoomSettings(database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}")  # type: ignore[call-arg]
        runtime, app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://village") as client:
            yield client, runtime
        await runtime.engine.dispose()


def field_of(response: httpx.Response) -> str | None:
    """The field a refusal names: ours (`field`) or FastAPI's validation (`detail[0].loc`)."""
    body = response.json()
    if "field" in body:
        return body["field"]
    if "detail" in body and body["detail"]:
        return str(body["detail"][0]["loc"][-1])
    return None


def an_id_number(serial: int, born: str = "19500101") -> str:
    """A well-formed resident ID card number (its check character right), one per serial."""
    from govnet_kit.personal import id_check_character

    first17 = f"341102{born}{serial % 1000:03d}"
    return first17 + id_check_character(first17)


async def new_applicant(  # type: ignore[no-untyped-def]
    runtime, place: str = VILLAGE, *, name: str = "钱小河", id_number: str = "341102195001011234"
) -> str:
    """A villager's record at the village (as acceptance makes it, with the keyed hash of the ID
    card number staff find it by), by id."""
    from govnet_kit.db import transaction
    from village_room.applicant import service as applicant_service
    from village_room.case.models import Applicant

    async with transaction(runtime.sessions) as s:
        person = Applicant(
            place_code=place,
            name=name,
            id_number=id_number,
            id_number_hash=applicant_service.id_number_hash(id_number),
            phone="13900000000",
        )
        s.add(person)
        await s.flush()
        return person.id
