"""IdentityService over gRPC: staff sign-in and service tokens, the administrators' keeping of
accounts and integration clients; and the whole service, with the delegation and applicant
RPCs of their own domains (rule 4). Refusals that must be recorded are committed first, then
raised."""

from __future__ import annotations

from govnet.identity.v1 import identity_pb2
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.grpcutil import current_principal
from identity.applicant.servicer import ApplicantRpcs
from identity.delegation.servicer import DelegationRpcs
from identity.rpc import IdentityRpcs, after, page_size, page_token, ts_seconds
from identity.staff import integration, service
from identity.staff import sign_in as sign_in_service
from identity.staff.flows import after_sessions_ended
from identity.staff.models import Staff
from identity.tokens import Refused

PUBLIC_METHODS = frozenset(
    {
        "/govnet.identity.v1.IdentityService/SignIn",
        "/govnet.identity.v1.IdentityService/IssueServiceToken",
        "/govnet.identity.v1.IdentityService/RequestCode",
        "/govnet.identity.v1.IdentityService/VerifyCode",
    }
)


def _staff_out(staff: Staff) -> identity_pb2.StaffAccount:
    return identity_pb2.StaffAccount(
        id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        tier=staff.tier,
        place_code=staff.place_code,
        department_code=staff.department_code,
        roles=staff.roles,
        active=staff.active,
    )


class StaffRpcs(IdentityRpcs):
    """Sign-in, service tokens, staff accounts and integration clients."""

    async def SignIn(self, request, context):  # type: ignore[no-untyped-def]
        if not request.username:
            raise InvalidArgument("username is required", field="username")
        async with transaction(self._rt.sessions) as session:
            outcome = await sign_in_service.sign_in(
                session=session,
                signer=self._signer,
                username=request.username,
                password=request.password,
                ttl_s=self._settings.access_token_ttl_s,
                day_places=self._settings.edge_places,
            )
        if isinstance(outcome, Refused):
            raise outcome.error
        staff, issued = outcome
        return identity_pb2.SignInResponse(
            access_token=issued.token,
            expires_at=ts_seconds(issued.expires_at),
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
        async with transaction(self._rt.sessions) as session:
            issued = await sign_in_service.issue_service_token(
                session=session,
                signer=self._signer,
                clients={
                    k: v.get_secret_value() for k, v in self._settings.service_clients.items()
                },
                client_id=request.client_id,
                client_secret=request.client_secret,
                ttl_s=self._settings.service_token_ttl_s,
            )
        return identity_pb2.IssueServiceTokenResponse(
            access_token=issued.token, expires_at=ts_seconds(issued.expires_at)
        )

    async def CreateStaff(self, request, context):  # type: ignore[no-untyped-def]
        password = request.password
        if request.generate_password:
            if password:
                raise InvalidArgument(
                    "give a password or ask for one to be generated, not both",
                    message_zh="请填写密码或由系统生成，二者择一",
                    field="password",
                )
            password = service.initial_password()
        async with transaction(self._rt.sessions) as session:
            staff = await service.create_staff(
                session,
                actor=current_principal(),
                username=request.username,
                password=password,
                display_name=request.display_name,
                tier=request.tier,
                place_code=request.place_code,
                department_code=request.department_code,
                roles=list(request.roles),
            )
            out = _staff_out(staff)
        return identity_pb2.CreateStaffResponse(
            staff=out, initial_password=password if request.generate_password else ""
        )

    async def SuspendStaff(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            staff = await service.suspend_staff(
                session, actor=current_principal(), staff_id=request.staff_id, reason=request.reason
            )
            out, ended_at = _staff_out(staff), staff.sessions_ended_at
        self._rt.committed()
        await after_sessions_ended(ended_at)
        return identity_pb2.SuspendStaffResponse(staff=out)

    async def RescopeStaff(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            staff = await service.rescope_staff(
                session,
                actor=current_principal(),
                staff_id=request.staff_id,
                tier=request.tier,
                place_code=request.place_code,
                department_code=request.department_code,
                roles=list(request.roles),
            )
            out = _staff_out(staff)
        return identity_pb2.RescopeStaffResponse(staff=out)

    async def ListStaff(self, request, context):  # type: ignore[no-untyped-def]
        size = page_size(request.page_size, service.MAX_PAGE_SIZE, service.PAGE_SIZE)
        async with transaction(self._rt.sessions) as session:
            rows, more = await service.list_staff(
                session,
                actor=current_principal(),
                place_code=request.place_code,
                role=request.role,
                tier=request.tier,
                department_code=request.department_code,
                after=after(request.page_token),
                limit=size,
            )
            out = [_staff_out(s) for s in rows]
        return identity_pb2.ListStaffResponse(
            staff=out, next_page_token=page_token(out[-1].username) if more else ""
        )

    async def GetStaff(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            staff = await service.get_staff(
                session, actor=current_principal(), staff_id=request.staff_id
            )
            out = _staff_out(staff)
        return identity_pb2.GetStaffResponse(staff=out)

    async def ReactivateStaff(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            staff = await service.reactivate_staff(
                session, actor=current_principal(), staff_id=request.staff_id, reason=request.reason
            )
            out = _staff_out(staff)
        self._rt.committed()  # the withdrawals it pushed
        return identity_pb2.ReactivateStaffResponse(staff=out)

    async def ResetStaffPassword(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            staff, password = await service.reset_password(
                session, actor=current_principal(), staff_id=request.staff_id
            )
            out, ended_at = _staff_out(staff), staff.sessions_ended_at
        self._rt.committed()  # the end of the sessions opened with the old password
        await after_sessions_ended(ended_at)
        return identity_pb2.ResetStaffPasswordResponse(staff=out, new_password=password)

    async def RegisterIntegrationClient(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            client, secret = await integration.register_client(
                session,
                actor=current_principal(),
                name=request.name,
                methods=list(request.methods),
                places=list(request.places),
                subjects=list(request.subjects),
                sandbox=request.sandbox,
            )
            client_id = client.client_id
        return identity_pb2.RegisterIntegrationClientResponse(
            client_id=client_id, client_secret=secret
        )


class IdentityServicer(StaffRpcs, DelegationRpcs, ApplicantRpcs):
    """IdentityService, whole: what `identity.main` serves."""
