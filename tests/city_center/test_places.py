"""The places register (issue 8, T3 "a registered place and hours"): the administrator registers
township halls and village rooms, edits and deactivates them over the JSON API; the public reads
the active ones (where to go, hours, phone) without signing in; mistakes are refused naming the
field, with nothing stored; everyone but the administrator is refused the register."""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.config import CityCenterSettings
from city_center.main import build
from city_center.place import service as place_service
from city_center.place.models import Place
from city_center.place.schemas import PlaceSpec
from city_center.seed import DEMO_PLACES, seed_demo
from govnet_kit import audit
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict, InvalidArgument
from tests.dbkit import fresh_sessions
from tests.tokens import bearer, key_set, staff_token

CITY = "341100000000"


def token(*roles: str) -> dict[str, str]:
    return bearer(staff_token(tier="city", place=CITY, roles=roles))


ADMIN, SUPERVISOR = token("administrator"), token("supervisor")


def body(code: str, tier: str = "town", **extra: str) -> dict[str, str]:
    return {
        "code": code,
        "tier": tier,
        "name_zh": f"场所{code[-3:]}",
        "name_en": f"Place {code[-3:]}",
        "address_zh": "人民路1号",
        "hours_zh": "工作日 8:30-17:00",
        "hours_en": "Working days 8:30-17:00",
        "phone": "0550-3100000",
        **extra,
    }


@pytest_asyncio.fixture(scope="module", params=["sqlite", "postgresql"])
async def app(request, tmp_path_factory):
    """The city's app on an empty register; each test registers townships of its own (codes
    3411021xx000), so they share the database."""
    tmp = tmp_path_factory.mktemp("places")
    async with fresh_sessions(request.param, tmp) as sessions:
        settings = CityCenterSettings(  # type: ignore[call-arg]
            database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}", place_code=CITY
        )
        runtime, fastapi_app = build(settings)
        runtime.sessions = sessions
        runtime.verifier.set_keys(key_set())
        transport = httpx.ASGITransport(app=fastapi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://city") as client:
            yield client, sessions
        await runtime.engine.dispose()


@pytest.fixture
def client(app) -> httpx.AsyncClient:
    return app[0]


async def test_a_township_and_its_village_registered_listed_and_edited(client, app):
    town = await client.post("/api/v1/places", json=body("341102110000"), headers=ADMIN)
    assert town.status_code == 201, town.text
    assert town.json()["parent_code"] == CITY  # a township's parent is the city itself
    assert town.json()["active"] is True
    village = await client.post(
        "/api/v1/places",
        json=body("341102110201", "village", parent_code="341102110000"),
        headers=ADMIN,
    )
    assert village.status_code == 201, village.text
    # A village's township may be left out: its code's first nine digits say which.
    derived = await client.post(
        "/api/v1/places", json=body("341102110202", "village"), headers=ADMIN
    )
    assert derived.json()["parent_code"] == "341102110000"

    villages = await client.get(
        "/api/v1/places", params={"tier": "village", "parent": "341102110000"}, headers=ADMIN
    )
    assert [p["code"] for p in villages.json()] == ["341102110201", "341102110202"]
    by_name = await client.get("/api/v1/places", params={"q": "place 202"}, headers=ADMIN)
    assert [p["code"] for p in by_name.json()] == ["341102110202"]

    edited = await client.patch(
        "/api/v1/places/341102110201",
        json={"hours_zh": "周一至周五 9:00-16:00", "phone": "0550-3110201"},
        headers=ADMIN,
    )
    assert edited.status_code == 200
    one = (await client.get("/api/v1/places/341102110201", headers=ADMIN)).json()
    assert (one["hours_zh"], one["phone"], one["name_zh"]) == (
        "周一至周五 9:00-16:00",
        "0550-3110201",
        "场所201",
    )

    # Each change is in the service's audit chain, with who did it.
    async with transaction(app[1]) as s:
        entries = (
            await s.scalars(
                select(audit.AuditEntry)
                .where(audit.AuditEntry.action.like("place.%"))
                .order_by(audit.AuditEntry.seq)
            )
        ).all()
    mine = [(e.action, e.facts) for e in entries if e.facts["code"].startswith("341102110")]
    assert [a for a, _ in mine] == [
        "place.registered",
        "place.registered",
        "place.registered",
        "place.changed",
    ]
    assert mine[-1][1]["fields"] == ["hours_zh", "phone"]
    assert all(e.actor.startswith("staff:") for e in entries)


async def test_a_duplicate_code_is_a_conflict_and_changes_nothing(client):
    first = await client.post("/api/v1/places", json=body("341102111000"), headers=ADMIN)
    assert first.status_code == 201
    again = await client.post(
        "/api/v1/places", json=body("341102111000", name_zh="另一个名称"), headers=ADMIN
    )
    assert again.status_code == 409
    assert again.json()["field"] == "code"
    assert "已登记" in again.json()["message_zh"]
    kept = await client.get("/api/v1/places/341102111000", headers=ADMIN)
    assert kept.json()["name_zh"] == "场所000"


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        (body("34110211200"), "code"),  # eleven digits
        (body("34110211200X"), "code"),
        (body("３４１１０２１１２０００"), "code"),  # full-width digits
        (body("341102112000", tier="county"), "tier"),
        (body("341102112000", phone="call us"), "phone"),
        (body("341102112000", name_zh=" "), "name_zh"),
    ],
)
async def test_a_malformed_place_is_refused_naming_its_field(client, sent, field):
    refused = await client.post("/api/v1/places", json=sent, headers=ADMIN)
    assert refused.status_code == 422
    assert [e["loc"][-1] for e in refused.json()["detail"]] == [field]
    assert (await client.get("/api/v1/places/341102112000", headers=ADMIN)).status_code == 404


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        (body("350102113000"), "code"),  # a township of another city
        (body("341102113201"), "code"),  # a village's code registered as a township
        (body("341102000000"), "code"),  # a county's code
        (body("341102113000", parent_code="341102000000"), "parent_code"),
        (body("341102113000", "village"), "code"),  # a township's code as a village
    ],
)
async def test_a_code_that_does_not_fit_its_tier_or_city_is_refused(client, sent, field):
    refused = await client.post("/api/v1/places", json=sent, headers=ADMIN)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == field
    assert (await client.get(f"/api/v1/places/{sent['code']}", headers=ADMIN)).status_code == 404


async def test_a_village_needs_a_registered_active_township(client):
    unknown = await client.post(
        "/api/v1/places", json=body("341102114201", "village"), headers=ADMIN
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "parent_code"
    assert "341102114000" in unknown.json()["message"]
    # Not under the township it names: another township's nine digits.
    await client.post("/api/v1/places", json=body("341102115000"), headers=ADMIN)
    elsewhere = await client.post(
        "/api/v1/places",
        json=body("341102114201", "village", parent_code="341102115000"),
        headers=ADMIN,
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["field"] == "parent_code"
    # A deactivated township takes no new village.
    await client.patch("/api/v1/places/341102115000", json={"active": False}, headers=ADMIN)
    closed = await client.post(
        "/api/v1/places", json=body("341102115201", "village"), headers=ADMIN
    )
    assert closed.status_code == 422 and closed.json()["field"] == "parent_code"
    listed = await client.get("/api/v1/places", params={"q": "34110211"}, headers=ADMIN)
    assert not {"341102114201", "341102115201"} & {p["code"] for p in listed.json()}


async def test_the_public_sees_only_active_places_with_hours_and_phone(client):
    await client.post("/api/v1/places", json=body("341102116000"), headers=ADMIN)
    for code in ("341102116201", "341102116202"):
        await client.post("/api/v1/places", json=body(code, "village"), headers=ADMIN)
    closed = await client.patch(
        "/api/v1/places/341102116202", json={"active": False}, headers=ADMIN
    )
    assert closed.json()["active"] is False

    public = await client.get("/api/v1/places/public", params={"parent": "341102116000"})
    assert public.status_code == 200  # no sign-in
    assert [p["code"] for p in public.json()] == ["341102116201"]
    shown = public.json()[0]
    assert (shown["hours_zh"], shown["phone"], shown["address_zh"]) == (
        "工作日 8:30-17:00",
        "0550-3100000",
        "人民路1号",
    )
    assert "active" not in shown and "created_at" not in shown
    # The administrator's list still has the deactivated one.
    everything = await client.get(
        "/api/v1/places", params={"parent": "341102116000"}, headers=ADMIN
    )
    assert [(p["code"], p["active"]) for p in everything.json()] == [
        ("341102116201", True),
        ("341102116202", False),
    ]

    # Reactivated: public again.
    await client.patch("/api/v1/places/341102116202", json={"active": True}, headers=ADMIN)
    again = await client.get("/api/v1/places/public", params={"parent": "341102116000"})
    assert [p["code"] for p in again.json()] == ["341102116201", "341102116202"]


async def test_a_township_with_active_villages_is_not_deactivated(client):
    await client.post("/api/v1/places", json=body("341102117000"), headers=ADMIN)
    await client.post("/api/v1/places", json=body("341102117201", "village"), headers=ADMIN)
    refused = await client.patch(
        "/api/v1/places/341102117000", json={"active": False}, headers=ADMIN
    )
    assert refused.status_code == 409
    assert refused.json()["field"] == "active" and "341102117201" in refused.json()["message"]
    assert (await client.get("/api/v1/places/341102117000", headers=ADMIN)).json()["active"]


async def test_only_the_administrator_keeps_the_register(client):
    sent = body("341102118000")
    for headers, status in ((SUPERVISOR, 403), ({}, 401)):
        assert (await client.post("/api/v1/places", json=sent, headers=headers)).status_code == (
            status
        )
        assert (await client.get("/api/v1/places", headers=headers)).status_code == status
        assert (
            await client.patch("/api/v1/places/341102110000", json={}, headers=headers)
        ).status_code == status
    assert (await client.get("/api/v1/places/341102118000", headers=ADMIN)).status_code == 404


async def test_the_domain_refuses_what_the_edges_do(app):
    """The same rules for a caller without HTTP (the seed, the console's pages)."""
    async with transaction(app[1]) as s:
        await place_service.register(
            s, spec=PlaceSpec(**body("341102119000")), city_code=CITY, actor="system:test"
        )
    with pytest.raises(Conflict) as taken:
        async with transaction(app[1]) as s:
            await place_service.register(
                s, spec=PlaceSpec(**body("341102119000")), city_code=CITY, actor="system:test"
            )
    assert taken.value.field == "code"
    with pytest.raises(InvalidArgument) as orphan:
        async with transaction(app[1]) as s:
            await place_service.register(
                s,
                spec=PlaceSpec(**body("341102120201", "village")),
                city_code=CITY,
                actor="system:test",
            )
    assert orphan.value.field == "parent_code"


async def test_seed_demo_registers_the_demo_accounts_places_once(tmp_path):
    async with fresh_sessions("sqlite", tmp_path) as sessions:
        url = sessions.kw["bind"].url.render_as_string(hide_password=False)
        settings = CityCenterSettings(database_url=url, place_code=CITY)  # type: ignore[call-arg]
        await seed_demo(settings)
        await seed_demo(settings)  # idempotent
        async with sessions() as s:
            places = (await s.scalars(select(Place).order_by(Place.code))).all()
    # identity's demo accounts work in these (services/identity/identity/seed.py)
    assert [p.code for p in places] == ["341102101000", "341102101201", "341102101202"]
    assert [p.code for p in places] == [p.code for p in DEMO_PLACES]
    assert all(p.active and p.hours_zh and p.phone for p in places)
