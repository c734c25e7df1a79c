"""A password reset or a suspension ends the sessions already open, at every tier: the town
hall's JSON API answers 401, its pages send the staff member to sign in, its gRPC API answers
UNAUTHENTICATED, in both languages; a new sign-in right after works (issue 8, A1, A2)."""

from __future__ import annotations

import time
import uuid

import grpc
import httpx
import pytest

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from govnet_kit.grpcutil import MESSAGE_ZH

pytestmark = pytest.mark.e2e

TOWNSHIP = "341102101000"
ENDED = "this session has ended; sign in again"
ENDED_ZH = "会话已结束，请重新登录"


def _sign_in(platform, username: str, password: str) -> str:  # type: ignore[no-untyped-def]
    resp = httpx.post(
        f"{platform.http('town-hall')}/api/v1/session",
        json={"username": username, "password": password},
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def _identity(platform):  # type: ignore[no-untyped-def]
    channel = grpc.insecure_channel(platform.grpc("identity"))
    return channel, identity_pb2_grpc.IdentityServiceStub(channel)


def _meta(token: str) -> dict[str, object]:
    return {"metadata": (("authorization", f"Bearer {token}"),), "timeout": 10.0}


def _new_window_staff(platform, identity, admin: str) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A fresh town window account (the shared demo accounts stay untouched)."""
    username = f"window.{uuid.uuid4().hex[:8]}"
    created = identity.CreateStaff(
        identity_pb2.CreateStaffRequest(
            username=username,
            display_name="测试窗口",
            tier="town",
            place_code=TOWNSHIP,
            roles=["town_window"],
            generate_password=True,
        ),
        **_meta(admin),
    )
    return created.staff.id, username, created.initial_password


def _api(platform, token: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.get(
        f"{platform.http('town-hall')}/api/v1/cases",
        headers={"Authorization": f"Bearer {token}"},
    )


def _page(platform, token: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.get(
        f"{platform.http('town-hall')}/window",
        cookies={"govnet_session": token},
        follow_redirects=False,
    )


def _grpc(platform, token: str) -> grpc.RpcError:  # type: ignore[no-untyped-def]
    """A call staff may not make (a service's), so it always fails: but why tells."""
    with grpc.insecure_channel(platform.grpc("town-hall")) as channel:
        stub = town_hall_pb2_grpc.TownHallServiceStub(channel)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCaseState(
                town_hall_pb2.GetCaseStateRequest(case_number="341102101000-20260101-0001"),
                **_meta(token),
            )
    return caught.value


def _assert_open(platform, token: str) -> None:  # type: ignore[no-untyped-def]
    assert _api(platform, token).status_code == 200
    assert _page(platform, token).status_code == 200
    assert _grpc(platform, token).code() == grpc.StatusCode.PERMISSION_DENIED


def _assert_ended(platform, token: str) -> None:  # type: ignore[no-untyped-def]
    """Waits for the revocation to reach the town hall over NATS (moments)."""
    deadline = time.monotonic() + 15
    while (resp := _api(platform, token)).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert resp.status_code == 401
    assert resp.json()["message"] == ENDED and resp.json()["message_zh"] == ENDED_ZH
    page = _page(platform, token)
    assert page.status_code == 303 and page.headers["location"] == "/window/sign-in?next=/window"
    err = _grpc(platform, token)
    assert err.code() == grpc.StatusCode.UNAUTHENTICATED and err.details() == ENDED
    zh = dict(err.trailing_metadata() or ())[MESSAGE_ZH]
    assert zh.decode() == ENDED_ZH


def test_a_password_reset_ends_the_open_sessions_and_the_new_password_signs_in(platform_pg):
    channel, identity = _identity(platform_pg)
    with channel:
        admin = _sign_in(platform_pg, "city.admin", platform_pg.secrets["IDENTITY_DEMO_PASSWORD"])
        staff_id, username, password = _new_window_staff(platform_pg, identity, admin)
        before = _sign_in(platform_pg, username, password)
        _assert_open(platform_pg, before)

        reset = identity.ResetStaffPassword(
            identity_pb2.ResetStaffPasswordRequest(staff_id=staff_id), **_meta(admin)
        )
        after = _sign_in(platform_pg, username, reset.new_password)  # at once, no waiting

        _assert_ended(platform_pg, before)
        _assert_open(platform_pg, after)


def test_a_suspension_ends_the_open_sessions_and_a_reactivated_account_signs_in(platform_pg):
    channel, identity = _identity(platform_pg)
    with channel:
        admin = _sign_in(platform_pg, "city.admin", platform_pg.secrets["IDENTITY_DEMO_PASSWORD"])
        staff_id, username, password = _new_window_staff(platform_pg, identity, admin)
        before = _sign_in(platform_pg, username, password)
        _assert_open(platform_pg, before)

        identity.SuspendStaff(
            identity_pb2.SuspendStaffRequest(staff_id=staff_id, reason="left the post"),
            **_meta(admin),
        )
        _assert_ended(platform_pg, before)

        identity.ReactivateStaff(
            identity_pb2.ReactivateStaffRequest(staff_id=staff_id, reason="back"), **_meta(admin)
        )
        again = _sign_in(platform_pg, username, password)
        _assert_open(platform_pg, again)
        _assert_ended(platform_pg, before)  # the old session stays ended
