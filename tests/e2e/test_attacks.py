"""The attack matrix against the running platform, over HTTP and gRPC (A1, A2, L7).
Each attempt is refused, and the refusing service records it in its audit chain."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from datetime import UTC, datetime, timedelta

import grpc
import httpx
import psycopg
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from govnet.citycenter.v1 import city_center_pb2, city_center_pb2_grpc
from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from govnet.villageroom.v1 import village_room_pb2, village_room_pb2_grpc
from govnet_kit.auth import ACCESS_TYP, AUDIENCE, ISSUER
from tests.tokens import sign, signing_key
from tools import journey

pytestmark = pytest.mark.e2e


def _conninfo(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def refusals(platform, service: str) -> int:  # type: ignore[no-untyped-def]
    with psycopg.connect(_conninfo(platform.database_urls[service])) as conn:
        return conn.execute(
            "SELECT count(*) FROM audit_entry WHERE action = 'access.refused'"
        ).fetchone()[0]


def forged(**overrides) -> str:
    """A staff token as identity would shape it, signed with a key identity never published."""
    claims = {
        "sub": "x",
        "kind": "staff",
        "tier": "village",
        "place": journey.VILLAGE,
        "roles": ["village_staff"],
    }
    return sign(claims | overrides, key=signing_key("attacker"))


def alg_none() -> str:
    b64 = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{b64({'alg': 'none', 'typ': ACCESS_TYP})}.{b64({'iss': ISSUER, 'aud': AUDIENCE, 'sub': 'x', 'exp': 2**31})}."


@pytest.fixture(scope="module")
def world(platform_pg):
    """Signed-in staff and two cases waiting at the city."""
    pw = platform_pg.secrets["IDENTITY_DEMO_PASSWORD"]
    urls = {s: platform_pg.http(s) for s in ("village-room", "town-hall", "city-center")}
    client = httpx.Client(timeout=10.0)
    who = {
        "village": journey.sign_in(client, urls["village-room"], "village.duty", pw),
        "village2": journey.sign_in(client, urls["village-room"], "village2.duty", pw),
        "rep": journey.sign_in(client, urls["city-center"], "forestry.rep", pw),
        "deputy": journey.sign_in(client, urls["city-center"], "forestry.deputy", pw),
        "head": journey.sign_in(client, urls["city-center"], "forestry.head", pw),
        "admin": journey.sign_in(client, urls["city-center"], "city.admin", pw),
    }
    ids = {}
    for name, user in [("rep", "forestry.rep"), ("deputy", "forestry.deputy")]:
        ids[name] = client.post(
            f"{urls['city-center']}/api/v1/session", json={"username": user, "password": pw}
        ).json()["staff_id"]
    journey.until(
        "the catalog at the village",
        lambda: (
            client.get(f"{urls['village-room']}/api/v1/guide/items/{journey.ITEM}").status_code
            == 200
        ),
        60,
    )
    slips = [
        journey.submit_complete(client, urls["village-room"], who["village"]) for _ in range(3)
    ]
    for slip in slips:
        journey.wait_at_city(client, urls["city-center"], who["rep"], slip["case_number"], 60)
    yield {
        "client": client,
        "urls": urls,
        "who": who,
        "ids": ids,
        "slips": slips,
        "platform": platform_pg,
    }
    client.close()


def identity_call(platform, method: str, request, token: str):  # type: ignore[no-untyped-def]
    async def call():  # type: ignore[no-untyped-def]
        async with grpc.aio.insecure_channel(platform.grpc("identity")) as ch:
            stub = identity_pb2_grpc.IdentityServiceStub(ch)
            return await getattr(stub, method)(request, metadata=(("authorization", token),))

    return asyncio.run(call())


def _bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"]


def _in(hours: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime.now(UTC) + timedelta(hours=hours))
    return stamp


def credential(world, who: str, on_behalf_of: str = "") -> str:  # type: ignore[no-untyped-def]
    resp = world["client"].post(
        f"{world['urls']['city-center']}/api/v1/approval-credential",
        json={"department_code": "forestry", "on_behalf_of_staff_id": on_behalf_of},
        headers=world["who"][who],
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["approval_credential"]


def decide(world, who: str, case_number: str, cred: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return world["client"].post(
        f"{world['urls']['city-center']}/api/v1/cases/{case_number}/decision",
        json={"outcome": "approve"},
        headers={**world["who"][who], "X-Approval-Credential": cred},
    )


@pytest.mark.parametrize(
    "token",
    [forged(), alg_none(), forged(exp=int(time.time()) - 60), forged(aud="other"), "garbage"],
    ids=["forged signature", "alg none", "expired", "wrong audience", "garbage"],
)
def test_forged_tokens_are_refused_over_http_and_audited(world, token):
    before = refusals(world["platform"], "village-room")
    resp = world["client"].get(
        f"{world['urls']['village-room']}/api/v1/visits",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 401
    assert refusals(world["platform"], "village-room") == before + 1


def test_token_types_cannot_stand_in_for_each_other(world):
    case = world["slips"][0]["case_number"]
    access_token = _bearer(world["who"]["rep"]).removeprefix("Bearer ")
    # an access token offered as an approval credential
    assert decide(world, "rep", case, access_token).status_code == 401
    # an approval credential offered as an access token
    cred = credential(world, "rep")
    resp = world["client"].get(
        f"{world['urls']['city-center']}/api/v1/cases", headers={"Authorization": f"Bearer {cred}"}
    )
    assert resp.status_code == 401


def test_revoked_delegation_and_item_outside_it_are_refused(world):
    platform, ids = world["platform"], world["ids"]
    head = _bearer(world["who"]["head"])
    narrow = identity_call(
        platform,
        "GrantDelegation",
        identity_pb2.GrantDelegationRequest(
            department_code="forestry",
            representative_id=ids["deputy"],
            item_codes=["LY-9999"],
            tier="city",
            valid_until=_in(24),
        ),
        head,
    )
    cred = credential(world, "deputy")
    before = refusals(platform, "city-center")
    assert decide(world, "deputy", world["slips"][0]["case_number"], cred).status_code == 403
    identity_call(
        platform,
        "RevokeDelegation",
        identity_pb2.RevokeDelegationRequest(delegation_id=narrow.delegation.id, reason="test"),
        head,
    )
    wide = identity_call(
        platform,
        "GrantDelegation",
        identity_pb2.GrantDelegationRequest(
            department_code="forestry",
            representative_id=ids["deputy"],
            all_items=True,
            tier="city",
            valid_until=_in(24),
        ),
        head,
    )
    cred = credential(world, "deputy")
    identity_call(
        platform,
        "RevokeDelegation",
        identity_pb2.RevokeDelegationRequest(delegation_id=wide.delegation.id, reason="left"),
        head,
    )
    resp = decide(world, "deputy", world["slips"][0]["case_number"], cred)
    assert resp.status_code == 403
    assert refusals(platform, "city-center") == before + 2


def test_substitute_decides_with_both_names_until_the_substitution_ends(world):
    platform, ids = world["platform"], world["ids"]
    rep = _bearer(world["who"]["rep"])
    named = identity_call(
        platform,
        "NameSubstitute",
        identity_pb2.NameSubstituteRequest(
            holder_id=ids["rep"],
            substitute_id=ids["deputy"],
            department_code="forestry",
            valid_until=_in(8),
        ),
        rep,
    )
    cred = credential(world, "deputy", on_behalf_of=ids["rep"])
    decided = decide(world, "deputy", world["slips"][1]["case_number"], cred)
    assert decided.status_code == 200, decided.text
    assert (decided.json()["decided_by"], decided.json()["on_behalf_of"]) == (
        ids["deputy"],
        ids["rep"],
    )
    identity_call(
        platform,
        "EndSubstitution",
        identity_pb2.EndSubstitutionRequest(substitution_id=named.substitution_id),
        rep,
    )
    assert decide(world, "deputy", world["slips"][2]["case_number"], cred).status_code == 403


def test_staff_cannot_read_another_villages_case(world):
    case = world["slips"][0]["case_number"]
    resp = world["client"].get(
        f"{world['urls']['village-room']}/api/v1/cases/{case}", headers=world["who"]["village2"]
    )
    assert resp.status_code == 403


def test_query_code_guessing_is_refused_then_rate_limited(world):
    slip = world["slips"][2]
    url = f"{world['urls']['village-room']}/api/v1/public/cases/{slip['case_number']}"
    assert world["client"].get(url, params={"query_code": slip["query_code"]}).status_code == 200
    codes = [
        world["client"].get(url, params={"query_code": "WRONG234"}).status_code for _ in range(10)
    ]
    assert codes == [404] * 10
    limited = world["client"].get(url, params={"query_code": slip["query_code"]})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_query_code_guessing_over_grpc_is_limited_too(world):
    slip = world["slips"][1]

    async def guesses() -> list[grpc.StatusCode]:
        out = []
        async with grpc.aio.insecure_channel(world["platform"].grpc("village-room")) as ch:
            stub = village_room_pb2_grpc.VillageRoomServiceStub(ch)
            for _ in range(11):
                try:
                    await stub.GetCaseStatus(
                        village_room_pb2.GetCaseStatusRequest(
                            case_number=slip["case_number"], query_code="WRONG234"
                        )
                    )
                    out.append(grpc.StatusCode.OK)
                except grpc.aio.AioRpcError as err:
                    out.append(err.code())
        return out

    assert asyncio.run(guesses()) == [grpc.StatusCode.NOT_FOUND] * 10 + [
        grpc.StatusCode.RESOURCE_EXHAUSTED
    ]


def test_password_brute_force_locks_the_account(world):
    platform = world["platform"]
    identity_call(
        platform,
        "CreateStaff",
        identity_pb2.CreateStaffRequest(
            username="target.staff",
            password="the right password",
            display_name="t",
            tier="village",
            place_code=journey.VILLAGE,
            roles=["village_staff"],
        ),
        _bearer(world["who"]["admin"]),
    )
    url = f"{world['urls']['village-room']}/api/v1/session"
    wrong = [
        world["client"]
        .post(url, json={"username": "target.staff", "password": f"guess {i}"})
        .status_code
        for i in range(5)
    ]
    assert wrong == [401] * 5
    locked = world["client"].post(
        url, json={"username": "target.staff", "password": "the right password"}
    )
    assert locked.status_code == 401 and "稍后" in locked.json()["message_zh"]


def test_grpc_refuses_forged_and_wrong_kind_of_caller_and_audits(world):
    platform = world["platform"]
    before = refusals(platform, "town-hall")

    async def attempts() -> list[grpc.StatusCode]:
        out = []
        async with grpc.aio.insecure_channel(platform.grpc("town-hall")) as ch:
            stub = town_hall_pb2_grpc.TownHallServiceStub(ch)
            for token in (
                forged(kind="service", sub="service:village-room"),
                _bearer(world["who"]["village"]).removeprefix("Bearer "),
            ):
                try:
                    await stub.SubmitCase(
                        town_hall_pb2.SubmitCaseRequest(),
                        metadata=(("authorization", f"Bearer {token}"),),
                    )
                except grpc.aio.AioRpcError as err:
                    out.append(err.code())
        return out

    assert asyncio.run(attempts()) == [
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.PERMISSION_DENIED,
    ]
    assert refusals(platform, "town-hall") == before + 2


def test_integration_client_calls_only_the_rpcs_its_credential_names(world):
    platform = world["platform"]
    allowed = "/govnet.citycenter.v1.CityCenterService/ListCatalogItems"
    client = identity_call(
        platform,
        "RegisterIntegrationClient",
        identity_pb2.RegisterIntegrationClientRequest(
            name="某市不动产登记系统 / land registry",
            methods=[allowed],
            places=[journey.VILLAGE],
            sandbox=True,
        ),
        _bearer(world["who"]["admin"]),
    )
    assert client.client_id.startswith("sandbox-")

    async def calls() -> tuple[int, grpc.StatusCode, grpc.StatusCode]:
        async with grpc.aio.insecure_channel(platform.grpc("identity")) as ch:
            stub = identity_pb2_grpc.IdentityServiceStub(ch)
            token = (
                await stub.IssueServiceToken(
                    identity_pb2.IssueServiceTokenRequest(
                        client_id=client.client_id, client_secret=client.client_secret
                    )
                )
            ).access_token
            try:
                await stub.IssueServiceToken(
                    identity_pb2.IssueServiceTokenRequest(
                        client_id=client.client_id, client_secret="not the secret"
                    )
                )
                wrong = grpc.StatusCode.OK
            except grpc.aio.AioRpcError as err:
                wrong = err.code()
        md = (("authorization", f"Bearer {token}"),)
        async with grpc.aio.insecure_channel(platform.grpc("city-center")) as ch:
            items = await city_center_pb2_grpc.CityCenterServiceStub(ch).ListCatalogItems(
                city_center_pb2.ListCatalogItemsRequest(), metadata=md
            )
        async with grpc.aio.insecure_channel(platform.grpc("town-hall")) as ch:
            try:
                await town_hall_pb2_grpc.TownHallServiceStub(ch).GetDecision(
                    town_hall_pb2.GetDecisionRequest(case_number=world["slips"][0]["case_number"]),
                    metadata=md,
                )
                denied = grpc.StatusCode.OK
            except grpc.aio.AioRpcError as err:
                denied = err.code()
        return len(items.items), wrong, denied

    listed, wrong_secret, outside_scope = asyncio.run(calls())
    assert listed >= 1
    assert wrong_secret == grpc.StatusCode.UNAUTHENTICATED
    assert outside_scope == grpc.StatusCode.PERMISSION_DENIED
