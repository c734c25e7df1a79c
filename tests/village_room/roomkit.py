"""The village room's app on a real database, for the room tests: tokens, a client, a runtime,
and cases accepted as agent (with a reply from above, where a test needs one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

import village_room.models  # noqa: F401 - registers the service's tables
from city_center.seed import TREE_FELLING_PERMIT
from govnet.common.v1 import case_pb2
from govnet_kit.db import transaction
from govnet_kit.worktime import WorkCalendar
from tests.dbkit import fresh_sessions
from tests.tokens import bearer, key_set, sign, staff_token
from village_room.case import service as case_service
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


FELLING_MATERIALS = ("application", "id_card", "forest_right", "felling_design")


async def accepted_case(runtime, staff_id: str = "duty-zhao") -> str:  # type: ignore[no-untyped-def]
    """A complete tree-felling application accepted as agent by `staff_id`, by its number. The
    room's catalog copy must hold the item (`catalog_replica.store(s, TREE_FELLING_PERMIT)`)."""
    async with transaction(runtime.sessions) as s:
        outcome = await case_service.apply(
            s,
            place_code=VILLAGE,
            staff_id=staff_id,
            item_code=TREE_FELLING_PERMIT.code,
            applicant=case_service.ApplicantData(
                name="孙大河", id_number="341102198001011232", phone="13800000009"
            ),
            materials=[
                case_service.MaterialData(c, f"{c}.pdf", "application/pdf", b"scan")
                for c in FELLING_MATERIALS
            ],
            visit=None,
            calendar=WorkCalendar(confirmed_years=[2025, 2026, 2027]),
        )
    return outcome.case.case_number


async def replied_case(runtime, decision: case_pb2.Decision) -> str:  # type: ignore[no-untyped-def]
    """A case accepted as agent, acknowledged by the township, and `decision` come down for it."""
    number = await accepted_case(runtime)
    async with transaction(runtime.sessions) as s:
        await case_service.transmitted(s, case_number=number)
    reply = case_pb2.Decision()
    reply.CopyFrom(decision)
    reply.case_number = number
    async with transaction(runtime.sessions) as s:
        await case_service.record_reply(s, decision=reply)
    return number
