"""Delegations, substitution, revocation and staff administration in identity (A1, L7).
Every grant, exchange, revocation and refusal lands in the audit chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from joserfc import jwt
from sqlalchemy import select

import identity.models  # noqa: F401 - registers the service's tables
from govnet.events.v1 import events_pb2
from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from govnet_kit.grants import GRANT_REVOKED_SUBJECT
from govnet_kit.messaging import OutboxMessage
from identity.delegation import service as delegation
from identity.staff import service as staff_service
from identity.staff.models import Staff
from identity.tokens import Refused, Signer
from tests.dbkit import fresh_sessions

CITY = "341100000000"
PASSWORD = "correct horse battery"
SIGNER = Signer([Signer.generate_jwk()])
ADMIN = Principal(
    subject="admin", kind="staff", roles=frozenset({"administrator"}), tier="city", place_code=CITY
)


def staff_principal(staff: Staff) -> Principal:
    return Principal(
        subject=staff.id,
        kind="staff",
        roles=frozenset(staff.roles),
        tier=staff.tier,
        place_code=staff.place_code,
        department_code=staff.department_code,
    )


def signed_in_after(principal: Principal, ended_at: datetime | None) -> Principal:
    """The same staff member's session from a sign-in in the second after `ended_at`."""
    assert ended_at is not None
    return replace(principal, issued_at=int(ended_at.timestamp()) + 1)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def world(request, tmp_path):
    async with fresh_sessions(request.param, tmp_path) as sessions:
        people = {}
        async with transaction(sessions) as s:
            for username, dept, roles in [
                ("rep", "forestry", ["chief_representative"]),
                ("deputy", "forestry", ["chief_representative"]),
                ("head", "forestry", ["department_head"]),
                ("water.head", "water", ["department_head"]),
            ]:
                people[username] = await staff_service.create_staff(
                    s,
                    actor=ADMIN,
                    username=username,
                    password=PASSWORD,
                    display_name=username,
                    tier="city",
                    place_code=CITY,
                    department_code=dept,
                    roles=roles,
                )
        yield sessions, {k: staff_principal(v) for k, v in people.items()}


async def _grant(sessions, actor, representative, **kw):
    now = utcnow()
    async with transaction(sessions) as s:
        return await delegation.grant(
            s,
            actor=actor,
            department_code="forestry",
            representative_id=representative.subject,
            item_codes=kw.get("items", []),
            all_items=kw.get("all_items", not kw.get("items")),
            tier="city",
            valid_from=now - timedelta(minutes=1),
            valid_until=now + timedelta(days=1),
        )


async def _exchange(sessions, actor, on_behalf_of=""):
    async with transaction(sessions) as s:
        return await delegation.exchange(
            s,
            signer=SIGNER,
            actor=actor,
            department_code="forestry",
            on_behalf_of=on_behalf_of,
            ttl_s=600,
        )


def _claims(token: str) -> dict:
    return jwt.decode(token, SIGNER._key, algorithms=["Ed25519"]).claims  # noqa: SLF001


async def test_only_the_department_head_or_an_administrator_grants(world):
    sessions, p = world
    with pytest.raises(PermissionDenied):
        await _grant(sessions, p["water.head"], p["rep"])
    with pytest.raises(PermissionDenied):
        await _grant(sessions, p["rep"], p["rep"])
    granted = await _grant(sessions, p["head"], p["rep"], items=["LY-0001"])
    assert granted.item_codes == ["LY-0001"] and not granted.all_items


async def test_exchange_names_department_as_subject_and_representative_as_actor(world):
    sessions, p = world
    granted = await _grant(sessions, p["head"], p["rep"], items=["LY-0001"])
    _, issued = await _exchange(sessions, p["rep"])
    claims = _claims(issued.token)
    assert claims["sub"] == "dept:forestry"
    assert claims["act"] == {"sub": p["rep"].subject}
    assert claims["items"] == ["LY-0001"] and claims["delegation"] == granted.id
    assert claims["exp"] - claims["iat"] <= 600


async def test_a_substitute_credential_carries_both_names(world):
    sessions, p = world
    await _grant(sessions, p["head"], p["rep"])
    async with transaction(sessions) as s:
        substitution = await delegation.name_substitute(
            s,
            actor=p["rep"],
            holder_id=p["rep"].subject,
            substitute_id=p["deputy"].subject,
            department_code="forestry",
            valid_from=utcnow() - timedelta(minutes=1),
            valid_until=utcnow() + timedelta(hours=8),
        )
    _, issued = await _exchange(sessions, p["deputy"], on_behalf_of=p["rep"].subject)
    claims = _claims(issued.token)
    assert claims["act"] == {"sub": p["deputy"].subject, "act": {"sub": p["rep"].subject}}
    assert claims["substitution"] == substitution.id
    # without the substitution, the deputy holds nothing
    refused = await _exchange(sessions, p["deputy"])
    assert isinstance(refused, Refused)


async def test_revocation_stops_new_credentials_is_pushed_and_fails_the_check(world):
    sessions, p = world
    granted = await _grant(sessions, p["head"], p["rep"])
    async with transaction(sessions) as s:
        assert await delegation.check(s, delegation_id=granted.id, substitution_id="") == (True, "")
        await delegation.revoke(
            s, actor=p["head"], delegation_id=granted.id, reason="left the post"
        )
    refused = await _exchange(sessions, p["rep"])
    assert isinstance(refused, Refused) and isinstance(refused.error, PermissionDenied)
    async with sessions() as s:
        assert await delegation.check(s, delegation_id=granted.id, substitution_id="") == (
            False,
            "delegation revoked",
        )
        pushed = (
            await s.scalars(
                select(OutboxMessage).where(OutboxMessage.subject == GRANT_REVOKED_SUBJECT)
            )
        ).all()
        actions = [
            e.action
            for e in (
                await s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq))
            ).all()
        ]
        assert (await audit.verify(s)).ok
    assert [events_pb2.GrantRevoked.FromString(m.payload).delegation_id for m in pushed] == [
        granted.id
    ]
    assert {"delegation.granted", "delegation.revoked", "credential.refused"} <= set(actions)


async def test_an_ended_substitution_fails_the_check(world):
    sessions, p = world
    granted = await _grant(sessions, p["head"], p["rep"])
    async with transaction(sessions) as s:
        substitution = await delegation.name_substitute(
            s,
            actor=p["head"],
            holder_id=p["rep"].subject,
            substitute_id=p["deputy"].subject,
            department_code="forestry",
            valid_from=utcnow() - timedelta(minutes=1),
            valid_until=utcnow() + timedelta(hours=8),
        )
    async with transaction(sessions) as s:
        await delegation.end_substitution(s, actor=p["rep"], substitution_id=substitution.id)
    async with sessions() as s:
        valid, reason = await delegation.check(
            s, delegation_id=granted.id, substitution_id=substitution.id
        )
    assert (valid, reason) == (False, "substitution ended")
    assert isinstance(
        await _exchange(sessions, p["deputy"], on_behalf_of=p["rep"].subject), Refused
    )


async def test_suspension_withdraws_the_representatives_grants(world):
    sessions, p = world
    granted = await _grant(sessions, p["head"], p["rep"])
    async with transaction(sessions) as s:
        await staff_service.suspend_staff(
            s, actor=ADMIN, staff_id=p["rep"].subject, reason="audit finding"
        )
    async with sessions() as s:
        assert await delegation.check(s, delegation_id=granted.id, substitution_id="") == (
            False,
            "representative suspended",
        )
    assert isinstance(await _exchange(sessions, p["rep"]), Refused)


async def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(world):
    sessions, _ = world
    for _ in range(staff_service.MAX_FAILED_SIGN_INS):
        async with transaction(sessions) as s:
            outcome = await staff_service.sign_in(
                session=s, signer=SIGNER, username="rep", password="wrong", ttl_s=60
            )
        assert isinstance(outcome, Refused)
    async with transaction(sessions) as s:
        outcome = await staff_service.sign_in(
            session=s, signer=SIGNER, username="rep", password=PASSWORD, ttl_s=60
        )
    assert isinstance(outcome, Refused) and isinstance(outcome.error, Unauthenticated)
    assert "稍后" in outcome.error.message_zh
    async with transaction(sessions) as s:
        staff = await s.scalar(select(Staff).where(Staff.username == "head"))
        ok = await staff_service.sign_in(
            session=s, signer=SIGNER, username="head", password=PASSWORD, ttl_s=60
        )
    assert not isinstance(ok, Refused) and ok[0].id == staff.id


async def test_staff_administration_is_for_administrators_and_validated(world):
    sessions, p = world
    async with transaction(sessions) as s:
        with pytest.raises(PermissionDenied):
            await staff_service.suspend_staff(
                s, actor=p["head"], staff_id=p["rep"].subject, reason="x"
            )
    async with transaction(sessions) as s:
        with pytest.raises(InvalidArgument) as err:
            await staff_service.rescope_staff(
                s,
                actor=ADMIN,
                staff_id=p["rep"].subject,
                tier="county",
                place_code=CITY,
                department_code="",
                roles=[],
            )
    assert err.value.field == "tier"
    async with transaction(sessions) as s:
        moved = await staff_service.rescope_staff(
            s,
            actor=ADMIN,
            staff_id=p["rep"].subject,
            tier="town",
            place_code="341102101000",
            department_code="",
            roles=["town_window"],
        )
    assert (moved.tier, moved.place_code, moved.roles) == ("town", "341102101000", ["town_window"])


# -- the department's lists, reactivation (issue 8) ------------------------------------------


async def test_a_department_lists_its_delegations_newest_first_a_page_at_a_time(world):
    sessions, p = world
    first = await _grant(sessions, p["head"], p["rep"], items=["LY-0001"])
    second = await _grant(sessions, p["head"], p["deputy"])
    third = await _grant(sessions, ADMIN, p["rep"], items=["LY-0002"])
    async with transaction(sessions) as s:
        await delegation.revoke(s, actor=p["head"], delegation_id=second.id, reason="moved on")
    async with transaction(sessions) as s:
        page, more = await delegation.list_delegations(
            s, actor=p["head"], department_code="forestry", limit=2
        )
        assert [d.id for d in page] == [third.id, second.id] and more
        assert page[1].revoked_at is not None and page[1].revoked_reason == "moved on"
        rest, more = await delegation.list_delegations(
            s, actor=ADMIN, department_code="forestry", after=page[-1].id, limit=2
        )
        assert [d.id for d in rest] == [first.id] and not more
        with pytest.raises(PermissionDenied):  # another department's head sees nothing
            await delegation.list_delegations(s, actor=p["water.head"], department_code="forestry")
        with pytest.raises(InvalidArgument) as bad:
            await delegation.list_delegations(
                s, actor=ADMIN, department_code="water", after=first.id
            )
        assert bad.value.field == "page_token"


async def test_a_department_lists_its_substitutions_ended_ones_too(world):
    sessions, p = world
    async with transaction(sessions) as s:
        named = await delegation.name_substitute(
            s,
            actor=p["head"],
            holder_id=p["rep"].subject,
            substitute_id=p["deputy"].subject,
            department_code="forestry",
            valid_from=utcnow(),
            valid_until=utcnow() + timedelta(days=3),
        )
    async with transaction(sessions) as s:
        await delegation.end_substitution(s, actor=ADMIN, substitution_id=named.id)
    async with transaction(sessions) as s:
        rows, more = await delegation.list_substitutions(
            s, actor=p["head"], department_code="forestry"
        )
        assert [(r.id, r.holder_id, r.ended_at is not None) for r in rows] == [
            (named.id, p["rep"].subject, True)
        ] and not more
        with pytest.raises(PermissionDenied):
            await delegation.list_substitutions(s, actor=p["rep"], department_code="forestry")


async def test_a_reactivated_account_holds_nothing_from_before_its_suspension(world):
    sessions, p = world
    old = await _grant(sessions, p["head"], p["rep"])
    async with transaction(sessions) as s:
        substitution = await delegation.name_substitute(
            s,
            actor=p["head"],
            holder_id=p["rep"].subject,
            substitute_id=p["deputy"].subject,
            department_code="forestry",
            valid_from=utcnow() - timedelta(minutes=1),
            valid_until=utcnow() + timedelta(hours=8),
        )
        await staff_service.suspend_staff(s, actor=ADMIN, staff_id=p["rep"].subject, reason="x")
    # While the holder is suspended, the substitute gets no credential in their name.
    refused = await _exchange(sessions, p["deputy"], on_behalf_of=p["rep"].subject)
    assert isinstance(refused, Refused) and "suspended" in refused.error.message
    async with transaction(sessions) as s:
        with pytest.raises(PermissionDenied):
            await staff_service.reactivate_staff(
                s, actor=p["head"], staff_id=p["rep"].subject, reason="back"
            )
    async with transaction(sessions) as s:
        back = await staff_service.reactivate_staff(
            s, actor=ADMIN, staff_id=p["rep"].subject, reason="cleared"
        )
        assert back.active
    async with sessions() as s:
        assert await delegation.check(s, delegation_id=old.id, substitution_id="") == (
            False,
            "delegation revoked",
        )
        pushed = [
            events_pb2.GrantRevoked.FromString(m.payload)
            for m in (
                await s.scalars(
                    select(OutboxMessage).where(OutboxMessage.subject == GRANT_REVOKED_SUBJECT)
                )
            ).all()
        ]
        actions = [e.action for e in (await s.scalars(select(audit.AuditEntry))).all()]
    assert {e.delegation_id for e in pushed} >= {old.id}
    assert {e.substitution_id for e in pushed} >= {substitution.id}
    assert "staff.reactivated" in actions
    # The session from before the suspension has ended; the representative signs in anew
    # (a second later: identity answers the suspension only once its second is over).
    assert isinstance(await _exchange(sessions, p["rep"]), Refused)
    rep_again = signed_in_after(p["rep"], back.sessions_ended_at)
    refused = await _exchange(sessions, rep_again)
    assert isinstance(refused, Refused) and "no valid delegation" in refused.error.message
    # The department grants anew, and the credential comes.
    await _grant(sessions, p["head"], p["rep"])
    assert not isinstance(await _exchange(sessions, rep_again), Refused)


async def test_a_reset_password_signs_in_the_old_one_no_more_and_lifts_the_lockout(world):
    sessions, p = world
    for _ in range(staff_service.MAX_FAILED_SIGN_INS):
        async with transaction(sessions) as s:
            await staff_service.sign_in(
                session=s, signer=SIGNER, username="rep", password="wrong", ttl_s=60
            )
    async with transaction(sessions) as s:
        with pytest.raises(PermissionDenied):
            await staff_service.reset_password(s, actor=p["head"], staff_id=p["rep"].subject)
    async with transaction(sessions) as s:
        _, new = await staff_service.reset_password(s, actor=ADMIN, staff_id=p["rep"].subject)
    assert len(new) >= 20
    async with transaction(sessions) as s:
        old = await staff_service.sign_in(
            session=s, signer=SIGNER, username="rep", password=PASSWORD, ttl_s=60
        )
    assert isinstance(old, Refused)
    async with transaction(sessions) as s:
        ok = await staff_service.sign_in(
            session=s, signer=SIGNER, username="rep", password=new, ttl_s=60
        )
        entries = (await s.scalars(select(audit.AuditEntry))).all()
    assert not isinstance(ok, Refused)
    assert "staff.password_reset" in [e.action for e in entries]
    assert all(new not in str(e.data) for e in entries)


async def test_a_password_reset_ends_the_sessions_opened_before_it_at_identity_too(world):
    """Identity checks its own table: a session from before the reset exchanges for no
    credential; the reset is pushed to every service with the same time, by staff id."""
    sessions, p = world
    await _grant(sessions, p["head"], p["rep"])
    assert not isinstance(await _exchange(sessions, p["rep"]), Refused)
    async with transaction(sessions) as s:
        staff, _ = await staff_service.reset_password(s, actor=ADMIN, staff_id=p["rep"].subject)
        ended_at = staff.sessions_ended_at
    refused = await _exchange(sessions, p["rep"])
    assert isinstance(refused, Refused) and isinstance(refused.error, Unauthenticated)
    assert refused.error.message_zh == "会话已结束，请重新登录"
    assert not isinstance(await _exchange(sessions, signed_in_after(p["rep"], ended_at)), Refused)
    async with sessions() as s:
        pushed = [
            events_pb2.GrantRevoked.FromString(m.payload)
            for m in (
                await s.scalars(
                    select(OutboxMessage).where(OutboxMessage.subject == GRANT_REVOKED_SUBJECT)
                )
            ).all()
        ]
    assert [(e.staff_id, e.revoked_at.ToDatetime(tzinfo=UTC)) for e in pushed] == [
        (p["rep"].subject, ended_at)
    ]
