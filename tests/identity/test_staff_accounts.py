"""Administrators keep staff accounts in identity: a list by user name, a page at a time,
filtered by place, role and tier, for administrators only; a first password identity chooses,
returned once; refusals that name their field in both languages."""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, timedelta

import grpc
import pytest
import pytest_asyncio

from govnet.identity.v1 import identity_pb2
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict, InvalidArgument, PermissionDenied
from govnet_kit.grpcutil import MESSAGE_ZH
from identity.staff import service as staff_service
from tests.dbkit import fresh_sessions
from tests.identity.grpc_identity import identity_server

CITY, TOWNSHIP, VILLAGE = "341100000000", "341102101000", "341102101201"
PASSWORD = "correct horse battery"
ADMIN = Principal(
    subject="admin", kind="staff", roles=frozenset({"administrator"}), tier="city", place_code=CITY
)
SUPERVISOR = Principal(
    subject="sup", kind="staff", roles=frozenset({"supervisor"}), tier="city", place_code=CITY
)
# username, tier, place, roles: user names sort in this order.
ACCOUNTS = [
    ("a.village", "village", VILLAGE, ["village_staff"]),
    ("b.town", "town", TOWNSHIP, ["town_window"]),
    ("c.town.head", "town", TOWNSHIP, ["town_head", "town_window"]),
    ("d.rep", "city", CITY, ["chief_representative"]),
    ("e.admin", "city", CITY, ["administrator"]),
]


@pytest.fixture(autouse=True)
def _one_hash(monkeypatch):
    """One argon2 hash for every account of a test (each costs a deliberate half second);
    the accounts' passwords are the same anyway."""
    monkeypatch.setattr(
        staff_service, "hash_password", functools.cache(staff_service.hash_password)
    )


async def _create(sessions, username, tier, place, roles):  # type: ignore[no-untyped-def]
    async with transaction(sessions) as s:
        return await staff_service.create_staff(
            s,
            actor=ADMIN,
            username=username,
            password=PASSWORD,
            display_name=username,
            tier=tier,
            place_code=place,
            department_code="forestry" if tier == "city" else "",
            roles=roles,
        )


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def sessions(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        for account in ACCOUNTS:
            await _create(sessions, *account)
        yield sessions


async def _list(sessions, actor=ADMIN, **kw):  # type: ignore[no-untyped-def]
    async with transaction(sessions) as s:
        rows, more = await staff_service.list_staff(s, actor=actor, **kw)
        return [r.username for r in rows], more


async def test_the_list_filters_by_place_role_and_tier(sessions):
    assert await _list(sessions) == ([a[0] for a in ACCOUNTS], False)
    assert await _list(sessions, place_code=TOWNSHIP) == (["b.town", "c.town.head"], False)
    # Each role exactly: "town_window" matches no "town_head", and `_` is no wildcard.
    assert await _list(sessions, role="town_window") == (["b.town", "c.town.head"], False)
    assert await _list(sessions, role="town_head") == (["c.town.head"], False)
    assert await _list(sessions, tier="city", role="administrator") == (["e.admin"], False)
    assert await _list(sessions, tier="village", place_code=CITY) == ([], False)


async def test_the_list_pages_by_user_name(sessions):
    assert await _list(sessions, limit=2) == (["a.village", "b.town"], True)
    assert await _list(sessions, limit=2, after="b.town") == (["c.town.head", "d.rep"], True)
    assert await _list(sessions, limit=2, after="d.rep") == (["e.admin"], False)


async def test_a_suspended_account_is_listed_as_suspended(sessions):
    async with transaction(sessions) as s:
        rows, _ = await staff_service.list_staff(s, actor=ADMIN, role="chief_representative")
        await staff_service.suspend_staff(s, actor=ADMIN, staff_id=rows[0].id, reason="left")
    async with transaction(sessions) as s:
        rows, _ = await staff_service.list_staff(s, actor=ADMIN, role="chief_representative")
    assert [(r.username, r.active) for r in rows] == [("d.rep", False)]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"role": "emperor"}, "role"),
        ({"place_code": "3411"}, "place_code"),
        ({"tier": "x"}, "tier"),
    ],
)
async def test_a_bad_filter_is_refused_naming_it(sessions, kw, field):
    with pytest.raises(InvalidArgument) as err:
        await _list(sessions, **kw)
    assert err.value.field == field and err.value.message_zh != err.value.message


async def test_only_administrators_list_accounts(sessions):
    with pytest.raises(PermissionDenied):
        await _list(sessions, actor=SUPERVISOR)


async def test_a_taken_user_name_and_an_account_without_roles_are_refused_beside_their_field(
    sessions,
):
    with pytest.raises(Conflict) as taken:
        await _create(sessions, "b.town", "town", TOWNSHIP, ["town_window"])
    assert taken.value.field == "username" and "b.town" in taken.value.message_zh
    with pytest.raises(InvalidArgument) as roleless:
        await _create(sessions, "f.none", "town", TOWNSHIP, [])
    assert roleless.value.field == "roles"
    with pytest.raises(InvalidArgument) as unknown:
        await _create(sessions, "f.emperor", "town", TOWNSHIP, ["emperor"])
    assert (unknown.value.field, unknown.value.message_zh) == ("roles", "没有这个角色：emperor")


# -- over gRPC, behind the authenticating interceptor ------------------------------------------


@pytest_asyncio.fixture
async def identity(tmp_path):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        for account in ACCOUNTS:
            await _create(sessions, *account)
        async with identity_server(sessions, tmp_path) as running:
            yield running


async def test_list_staff_pages_through_every_account_with_its_token(identity):
    seen, token, pages = [], "", 0
    while True:
        page = await identity.stub.ListStaff(
            identity_pb2.ListStaffRequest(page_size=2, page_token=token), **identity.as_(ADMIN)
        )
        seen += [(a.username, tuple(a.roles), a.active) for a in page.staff]
        pages, token = pages + 1, page.next_page_token
        if not token:
            break
    assert pages == 3
    assert [s[0] for s in seen] == [a[0] for a in ACCOUNTS]
    assert seen[2][1] == ("town_head", "town_window")
    filtered = await identity.stub.ListStaff(
        identity_pb2.ListStaffRequest(place_code=TOWNSHIP, role="town_head"),
        **identity.as_(ADMIN),
    )
    assert [a.username for a in filtered.staff] == ["c.town.head"]
    assert filtered.next_page_token == ""


@pytest.mark.parametrize(
    ("request_", "status", "detail"),
    [
        (identity_pb2.ListStaffRequest(page_size=500), "INVALID_ARGUMENT", "page_size: "),
        (identity_pb2.ListStaffRequest(page_token="!!"), "INVALID_ARGUMENT", "page_token: "),
        (identity_pb2.ListStaffRequest(role="emperor"), "INVALID_ARGUMENT", "role: "),
    ],
    ids=["page-size", "page-token", "role"],
)
async def test_list_staff_refuses_a_bad_request_naming_the_field(
    identity, request_, status, detail
):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await identity.stub.ListStaff(request_, **identity.as_(ADMIN))
    assert err.value.code().name == status
    assert err.value.details().startswith(detail)
    zh = dict(err.value.trailing_metadata())[MESSAGE_ZH].decode()
    assert zh and zh != err.value.details()


async def test_list_and_get_staff_are_for_administrators_only(identity):
    for call in (
        identity.stub.ListStaff(identity_pb2.ListStaffRequest(), **identity.as_(SUPERVISOR)),
        identity.stub.GetStaff(
            identity_pb2.GetStaffRequest(staff_id="x"), **identity.as_(SUPERVISOR)
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as anonymous:
        await identity.stub.ListStaff(identity_pb2.ListStaffRequest(), timeout=10.0)
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_a_generated_first_password_is_returned_once_and_signs_in(identity):
    created = await identity.stub.CreateStaff(
        identity_pb2.CreateStaffRequest(
            username="f.new",
            display_name="新人",
            tier="village",
            place_code=VILLAGE,
            roles=["village_staff"],
            generate_password=True,
        ),
        **identity.as_(ADMIN),
    )
    first = created.initial_password
    assert len(first) >= 20
    signed_in = await identity.stub.SignIn(
        identity_pb2.SignInRequest(username="f.new", password=first), timeout=10.0
    )
    assert signed_in.staff_id == created.staff.id
    got = await identity.stub.GetStaff(
        identity_pb2.GetStaffRequest(staff_id=created.staff.id), **identity.as_(ADMIN)
    )
    assert got.staff == created.staff  # and no password on any later read
    with pytest.raises(grpc.aio.AioRpcError) as both:
        await identity.stub.CreateStaff(
            identity_pb2.CreateStaffRequest(
                username="f.both",
                password=PASSWORD,
                generate_password=True,
                tier="village",
                place_code=VILLAGE,
                roles=["village_staff"],
            ),
            **identity.as_(ADMIN),
        )
    assert both.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert both.value.details().startswith("password: ")


async def test_an_unknown_account_is_not_found(identity):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await identity.stub.GetStaff(
            identity_pb2.GetStaffRequest(staff_id="no-such-id"), **identity.as_(ADMIN)
        )
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_list_staff_filters_by_department(identity):
    found = await identity.stub.ListStaff(
        identity_pb2.ListStaffRequest(department_code="forestry"), **identity.as_(ADMIN)
    )
    assert [a.username for a in found.staff] == ["d.rep", "e.admin"]


async def test_a_suspended_account_is_reactivated_and_its_password_reset_once(identity, caplog):
    caplog.set_level(logging.DEBUG)
    rep = (
        await identity.stub.ListStaff(
            identity_pb2.ListStaffRequest(role="chief_representative"), **identity.as_(ADMIN)
        )
    ).staff[0]
    await identity.stub.SuspendStaff(
        identity_pb2.SuspendStaffRequest(staff_id=rep.id, reason="audit"), **identity.as_(ADMIN)
    )
    for call in (
        identity.stub.ReactivateStaff(
            identity_pb2.ReactivateStaffRequest(staff_id=rep.id), **identity.as_(SUPERVISOR)
        ),
        identity.stub.ResetStaffPassword(
            identity_pb2.ResetStaffPasswordRequest(staff_id=rep.id), **identity.as_(SUPERVISOR)
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    back = await identity.stub.ReactivateStaff(
        identity_pb2.ReactivateStaffRequest(staff_id=rep.id, reason="cleared"),
        **identity.as_(ADMIN),
    )
    assert back.staff.active
    reset = await identity.stub.ResetStaffPassword(
        identity_pb2.ResetStaffPasswordRequest(staff_id=rep.id), **identity.as_(ADMIN)
    )
    assert reset.staff.id == rep.id and len(reset.new_password) >= 20
    assert reset.new_password not in caplog.text
    signed_in = await identity.stub.SignIn(
        identity_pb2.SignInRequest(username="d.rep", password=reset.new_password), timeout=10.0
    )
    assert signed_in.staff_id == rep.id
    with pytest.raises(grpc.aio.AioRpcError) as old:
        await identity.stub.SignIn(
            identity_pb2.SignInRequest(username="d.rep", password=PASSWORD), timeout=10.0
        )
    assert old.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await identity.stub.ResetStaffPassword(
            identity_pb2.ResetStaffPasswordRequest(staff_id="no-such-id"), **identity.as_(ADMIN)
        )
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


async def test_list_delegations_and_substitutions_page_over_grpc(identity):
    rep = (
        await identity.stub.ListStaff(
            identity_pb2.ListStaffRequest(role="chief_representative"), **identity.as_(ADMIN)
        )
    ).staff[0]
    now = datetime.now(UTC)
    granted = []
    for items in (["LY-0001"], ["LY-0002"], ["LY-0003"]):
        request = identity_pb2.GrantDelegationRequest(
            department_code="forestry", representative_id=rep.id, item_codes=items
        )
        request.valid_until.FromDatetime(now + timedelta(days=30))
        granted.append(
            (await identity.stub.GrantDelegation(request, **identity.as_(ADMIN))).delegation.id
        )
    await identity.stub.RevokeDelegation(
        identity_pb2.RevokeDelegationRequest(delegation_id=granted[0], reason="wrong item"),
        **identity.as_(ADMIN),
    )
    seen, token = [], ""
    while True:
        page = await identity.stub.ListDelegations(
            identity_pb2.ListDelegationsRequest(
                department_code="forestry", page_size=2, page_token=token
            ),
            **identity.as_(ADMIN),
        )
        seen += list(page.delegations)
        token = page.next_page_token
        if not token:
            break
    assert [d.id for d in seen] == granted[::-1]
    assert seen[-1].HasField("revoked_at") and seen[-1].revoked_reason == "wrong item"
    assert not seen[0].HasField("revoked_at") and seen[0].granted_by == "admin"
    empty = await identity.stub.ListSubstitutions(
        identity_pb2.ListSubstitutionsRequest(department_code="forestry"), **identity.as_(ADMIN)
    )
    assert list(empty.substitutions) == [] and empty.next_page_token == ""
    for call, code in (
        (
            identity.stub.ListDelegations(
                identity_pb2.ListDelegationsRequest(department_code="forestry"),
                **identity.as_(SUPERVISOR),
            ),
            grpc.StatusCode.PERMISSION_DENIED,
        ),
        (
            identity.stub.ListDelegations(
                identity_pb2.ListDelegationsRequest(department_code=""), **identity.as_(ADMIN)
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
        (
            identity.stub.ListSubstitutions(
                identity_pb2.ListSubstitutionsRequest(department_code="forestry", page_size=201),
                **identity.as_(ADMIN),
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == code
