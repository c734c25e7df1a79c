"""Bad input gets a clear error naming the field, never a 500, and changes nothing stored."""

from __future__ import annotations

import asyncio
import base64

import grpc
import httpx
import pytest

from govnet.common.v1 import case_pb2
from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from tools.journey import APPLICANT, ITEM, VILLAGE

pytestmark = pytest.mark.e2e


def _staff(platform, service: str, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    resp = httpx.post(
        f"{platform.http(service)}/api/v1/session",
        json={"username": username, "password": platform.secrets["IDENTITY_DEMO_PASSWORD"]},
    )
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _visits(platform, headers) -> int:  # type: ignore[no-untyped-def]
    return len(httpx.get(f"{platform.http('village-room')}/api/v1/visits", headers=headers).json())


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"applicant": {**APPLICANT, "id_number": "12345"}}, ["body", "applicant", "id_number"]),
        ({"applicant": {**APPLICANT, "phone": "not a phone"}}, ["body", "applicant", "phone"]),
        ({"place_code": "34110"}, ["body", "place_code"]),
        (
            {
                "materials": [
                    {
                        "code": "application",
                        "filename": "a.pdf",
                        "content_type": "application/pdf",
                        "content_base64": "%%%",
                    }
                ]
            },
            ["body", "materials", 0, "content_base64"],
        ),
        (
            # Only what the deciding tier can open and print: PDF, JPEG, PNG, TIFF.
            {
                "materials": [
                    {
                        "code": "application",
                        "filename": "a.exe",
                        "content_type": "application/x-msdownload",
                        "content_base64": "eA==",
                    }
                ]
            },
            ["body", "materials", 0, "content_type"],
        ),
    ],
)
def test_malformed_application_is_422_naming_the_field(platform_pg, patch, field):
    village = platform_pg.http("village-room")
    staff = _staff(platform_pg, "village-room", "village.duty")
    before = _visits(platform_pg, staff)
    body = {
        "place_code": VILLAGE,
        "item_code": ITEM,
        "applicant": APPLICANT,
        "materials": [],
        **patch,
    }
    resp = httpx.post(f"{village}/api/v1/applications", json=body, headers=staff)
    assert resp.status_code == 422
    assert field in [d["loc"] for d in resp.json()["detail"]]
    assert _visits(platform_pg, staff) == before


def test_sign_in_is_required_and_a_wrong_password_is_401(platform_pg):
    village = platform_pg.http("village-room")
    resp = httpx.post(f"{village}/api/v1/applications", json={})
    assert resp.status_code == 401
    bad = httpx.post(
        f"{village}/api/v1/session", json={"username": "village.duty", "password": "wrong password"}
    )
    assert bad.status_code == 401
    assert bad.json()["message_zh"] == "用户名或密码错误"


def test_staff_cannot_apply_for_another_village(platform_pg):
    staff = _staff(platform_pg, "village-room", "village.duty")
    body = {
        "place_code": "341102101202",
        "item_code": ITEM,
        "applicant": APPLICANT,
        "materials": [
            {
                "code": "application",
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(b"x").decode(),
            }
        ],
    }
    resp = httpx.post(
        f"{platform_pg.http('village-room')}/api/v1/applications", json=body, headers=staff
    )
    assert resp.status_code == 403
    assert resp.json()["field"] == "place_code"


def test_malformed_grpc_transfer_is_invalid_argument_and_stores_nothing(platform_pg):
    town_staff = _staff(platform_pg, "town-hall", "town.window")
    before = httpx.get(f"{platform_pg.http('town-hall')}/api/v1/cases", headers=town_staff).json()

    async def call() -> tuple[grpc.StatusCode, str, grpc.StatusCode]:
        async with grpc.aio.insecure_channel(platform_pg.grpc("identity")) as ch:
            token = (
                await identity_pb2_grpc.IdentityServiceStub(ch).IssueServiceToken(
                    identity_pb2.IssueServiceTokenRequest(
                        client_id="village-room",
                        client_secret=platform_pg.secrets["VILLAGE_ROOM_CLIENT_SECRET"],
                    )
                )
            ).access_token
        async with grpc.aio.insecure_channel(platform_pg.grpc("town-hall")) as ch:
            stub = town_hall_pb2_grpc.TownHallServiceStub(ch)
            bad = town_hall_pb2.SubmitCaseRequest(
                transfer=case_pb2.CaseTransfer(case_number="nonsense")
            )
            try:
                await stub.SubmitCase(bad, metadata=(("authorization", f"Bearer {token}"),))
                raise AssertionError("accepted a malformed transfer")
            except grpc.aio.AioRpcError as err:
                invalid = (err.code(), err.details())
            try:
                await stub.SubmitCase(bad)
                raise AssertionError("accepted a call without a token")
            except grpc.aio.AioRpcError as err:
                return invalid[0], invalid[1], err.code()

    code, details, anonymous = asyncio.run(call())
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.startswith("transfer.case_number")
    assert anonymous == grpc.StatusCode.UNAUTHENTICATED
    after = httpx.get(f"{platform_pg.http('town-hall')}/api/v1/cases", headers=town_staff).json()
    assert after == before


def test_email_channel_without_an_address_is_refused(platform_pg):
    staff = _staff(platform_pg, "village-room", "village.duty")
    body = {
        "place_code": VILLAGE,
        "item_code": ITEM,
        "applicant": {**APPLICANT, "channel": "email"},
        "materials": [],
    }
    resp = httpx.post(
        f"{platform_pg.http('village-room')}/api/v1/applications", json=body, headers=staff
    )
    assert resp.status_code == 422
    assert ["body", "applicant", "channel"] in [d["loc"] for d in resp.json()["detail"]]
