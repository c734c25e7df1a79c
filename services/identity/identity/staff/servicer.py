"""IdentityService over gRPC: parses, calls one service function, converts (rule 4)."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.runtime import Runtime
from identity.config import IdentitySettings
from identity.staff import service
from identity.tokens import Signer

PUBLIC_METHODS = frozenset(
    {
        "/govnet.identity.v1.IdentityService/SignIn",
        "/govnet.identity.v1.IdentityService/IssueServiceToken",
    }
)


def _ts(seconds: int) -> Timestamp:
    return Timestamp(seconds=seconds)


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, runtime: Runtime, signer: Signer):
        self._rt = runtime
        self._signer = signer
        self._settings: IdentitySettings = runtime.settings  # type: ignore[assignment]

    async def SignIn(self, request, context):  # type: ignore[no-untyped-def]
        if not request.username:
            raise InvalidArgument("username is required", field="username")
        async with transaction(self._rt.sessions) as session:
            staff, issued = await service.sign_in(
                session=session,
                signer=self._signer,
                username=request.username,
                password=request.password,
                ttl_s=self._settings.access_token_ttl_s,
            )
        return identity_pb2.SignInResponse(
            access_token=issued.token,
            expires_at=_ts(issued.expires_at),
            staff_id=staff.id,
            display_name=staff.display_name,
            roles=staff.roles,
            place_code=staff.place_code,
            tier=staff.tier,
            department_code=staff.department_code,
        )

    async def IssueServiceToken(self, request, context):  # type: ignore[no-untyped-def]
        if not request.client_id:
            raise InvalidArgument("client_id is required", field="client_id")
        issued = service.issue_service_token(
            signer=self._signer,
            clients={k: v.get_secret_value() for k, v in self._settings.service_clients.items()},
            client_id=request.client_id,
            client_secret=request.client_secret,
            ttl_s=self._settings.service_token_ttl_s,
        )
        return identity_pb2.IssueServiceTokenResponse(
            access_token=issued.token, expires_at=_ts(issued.expires_at)
        )

    async def ExchangeDelegation(self, request, context):  # type: ignore[no-untyped-def]
        if not request.subject_token:
            raise InvalidArgument("subject_token is required", field="subject_token")
        actor = await self._rt.verifier.principal(request.subject_token)
        async with transaction(self._rt.sessions) as session:
            delegation, issued = await service.exchange_delegation(
                session=session,
                signer=self._signer,
                actor=actor,
                department_code=request.department_code,
                ttl_s=self._settings.approval_credential_ttl_s,
            )
        return identity_pb2.ExchangeDelegationResponse(
            approval_credential=issued.token,
            expires_at=_ts(issued.expires_at),
            item_codes=delegation.item_codes,
            all_items=delegation.all_items,
        )
