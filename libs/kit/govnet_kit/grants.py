"""Revoked grants, pushed from identity to every service over NATS (A1, L7).

Each process replays the (small) revocation stream with an ordered consumer at start and keeps
following it, so a delegation withdrawn or a substitution ended is refused everywhere within
moments; services also re-check the grant with identity at decision time. A revocation that
names a staff id (a suspension, a password reset) also ends that person's sessions: their
access tokens issued until then are refused as well as their approval credentials.
"""

from __future__ import annotations

import asyncio
import logging

from nats.js.api import DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from govnet.events.v1 import events_pb2
from govnet_kit.auth import ApprovalCredential, Principal
from govnet_kit.errors import PermissionDenied, Unauthenticated
from govnet_kit.messaging import NatsLink

log = logging.getLogger(__name__)

IDENTITY_STREAM = StreamConfig(
    name="GOVNET_IDENTITY",
    subjects=["govnet.identity.>"],
    storage=StorageType.FILE,
    duplicate_window=600.0,
)
GRANT_REVOKED_SUBJECT = "govnet.identity.grant.revoked"


async def ensure_identity_stream(link: NatsLink) -> None:
    js = await link.ready()
    try:
        await js.add_stream(IDENTITY_STREAM)
    except BadRequestError:
        await js.update_stream(IDENTITY_STREAM)


class RevokedGrants:
    def __init__(self) -> None:
        self.delegations: set[str] = set()
        self.substitutions: set[str] = set()
        # Staff id -> when the account was last suspended or its password reset (epoch
        # seconds, identity's clock): the sessions and credentials issued until then are
        # withdrawn; those issued since (a new sign-in, a reactivated account) pass.
        self.staff: dict[str, int] = {}

    def apply(self, event: events_pb2.GrantRevoked) -> None:
        if event.delegation_id:
            self.delegations.add(event.delegation_id)
        if event.substitution_id:
            self.substitutions.add(event.substitution_id)
        if event.staff_id:
            at = event.revoked_at.seconds if event.HasField("revoked_at") else 2**62
            self.staff[event.staff_id] = max(at, self.staff.get(event.staff_id, 0))

    def check(self, credential: ApprovalCredential) -> None:
        if credential.delegation_id in self.delegations:
            raise PermissionDenied(
                "the delegation behind this credential was revoked", message_zh="审批授权已被撤销"
            )
        if credential.substitution_id and credential.substitution_id in self.substitutions:
            raise PermissionDenied(
                "the substitution behind this credential has ended", message_zh="同岗替代已结束"
            )
        people = (credential.actor_staff_id, credential.on_behalf_of)
        if any(credential.issued_at <= self.staff.get(p, -1) for p in people if p):
            raise PermissionDenied(
                "the account behind this credential is suspended", message_zh="账号已被停用"
            )

    def check_session(self, principal: Principal) -> None:
        """A staff session opened at or before the account's last suspension or password reset
        has ended. `iat` has whole seconds, so a token of the revocation's own second is refused
        too (as credentials are); identity answers the reset only once that second is over, so a
        sign-in with the new password always passes (identity.staff.flows.after_sessions_ended)."""
        if principal.kind == "staff" and principal.issued_at <= self.staff.get(
            principal.subject, -1
        ):
            raise Unauthenticated(
                "this session has ended; sign in again", message_zh="会话已结束，请重新登录"
            )

    async def follow(self, link: NatsLink) -> None:
        """Replay every revocation, then keep following; resubscribe after any loss."""
        while True:
            try:
                await ensure_identity_stream(link)
                js = await link.ready()
                sub = await js.subscribe(
                    GRANT_REVOKED_SUBJECT, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL
                )
                try:
                    async for msg in sub.messages:
                        self.apply(events_pb2.GrantRevoked.FromString(msg.data))
                finally:
                    await sub.unsubscribe()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep following after a reconnect
                log.warning("revocation stream: %s; resubscribing", exc)
                await asyncio.sleep(0.5)
