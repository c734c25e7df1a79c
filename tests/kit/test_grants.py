"""The revocations every service follows (A1): a suspension withdraws the credentials issued
until then; an account identity reactivates afterwards gets new ones that pass."""

from __future__ import annotations

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from govnet.events.v1 import events_pb2
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.errors import PermissionDenied, Unauthenticated
from govnet_kit.grants import RevokedGrants

SUSPENDED_AT = 1_700_000_000


def credential(issued_at: int, actor: str = "rep", on_behalf_of: str = "") -> ApprovalCredential:
    return ApprovalCredential(
        department_code="forestry",
        actor_staff_id=actor,
        item_codes=frozenset(),
        all_items=True,
        tier="city",
        on_behalf_of=on_behalf_of,
        credential_id="c",
        expires_at=issued_at + 600,
        delegation_id="d",
        issued_at=issued_at,
    )


def test_a_suspension_withdraws_the_credentials_issued_until_then_only():
    revoked = RevokedGrants()
    revoked.apply(
        events_pb2.GrantRevoked(
            event_id="e", staff_id="rep", revoked_at=Timestamp(seconds=SUSPENDED_AT)
        )
    )
    for before in (credential(SUSPENDED_AT - 60), credential(SUSPENDED_AT)):
        with pytest.raises(PermissionDenied):
            revoked.check(before)
    with pytest.raises(PermissionDenied):  # a substitute acting for the suspended holder
        revoked.check(credential(SUSPENDED_AT - 60, actor="deputy", on_behalf_of="rep"))
    revoked.check(credential(SUSPENDED_AT + 3600))  # reactivated since: a new one passes
    revoked.check(credential(SUSPENDED_AT - 60, actor="someone-else"))


def test_a_revocation_without_its_time_withdraws_every_credential_of_the_account():
    revoked = RevokedGrants()
    revoked.apply(events_pb2.GrantRevoked(event_id="e", staff_id="rep"))
    with pytest.raises(PermissionDenied):
        revoked.check(credential(SUSPENDED_AT + 10**6))


def test_a_staff_session_opened_until_the_accounts_revocation_has_ended():
    """A suspension or password reset: the session of that second or before is refused with
    a message that says so in both languages; a later sign-in's passes; others are untouched."""
    revoked = RevokedGrants()
    revoked.apply(
        events_pb2.GrantRevoked(
            event_id="e", staff_id="rep", revoked_at=Timestamp(seconds=SUSPENDED_AT, nanos=9)
        )
    )
    for issued_at in (SUSPENDED_AT - 60, SUSPENDED_AT):
        with pytest.raises(Unauthenticated) as ended:
            revoked.check_session(Principal(subject="rep", kind="staff", issued_at=issued_at))
        assert ended.value.message_zh == "会话已结束，请重新登录"
    revoked.check_session(Principal(subject="rep", kind="staff", issued_at=SUSPENDED_AT + 1))
    revoked.check_session(Principal(subject="other", kind="staff", issued_at=SUSPENDED_AT))
