"""IdentityService over gRPC: parses, calls one service function, converts (rule 4).
Refusals that must be recorded are committed first, then raised."""

from __future__ import annotations

import base64
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit.cases import from_ts, ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import InvalidArgument
from govnet_kit.grpcutil import current_principal
from govnet_kit.runtime import Runtime
from identity.applicant import service as applicant_service
from identity.applicant.flows import CodeSender
from identity.config import IdentitySettings
from identity.delegation import service as delegation_service
from identity.staff import service
from identity.staff.flows import after_sessions_ended
from identity.staff.models import Delegation, Staff, Substitution
from identity.tokens import Refused, Signer

PUBLIC_METHODS = frozenset(
    {
        "/govnet.identity.v1.IdentityService/SignIn",
        "/govnet.identity.v1.IdentityService/IssueServiceToken",
        "/govnet.identity.v1.IdentityService/RequestCode",
        "/govnet.identity.v1.IdentityService/VerifyCode",
    }
)


def _ts(seconds: int) -> Timestamp:
    return Timestamp(seconds=seconds)


def _period(request, field_from: str, field_until: str) -> tuple[datetime, datetime]:  # type: ignore[no-untyped-def]
    if not request.HasField(field_until):
        raise InvalidArgument(f"{field_until} is required", field=field_until)
    start = from_ts(getattr(request, field_from)) if request.HasField(field_from) else utcnow()
    return start, from_ts(getattr(request, field_until))


def _page_token(last: str) -> str:
    """Opaque to callers: the last user name (or id) of the page, base64url."""
    return base64.urlsafe_b64encode(last.encode()).decode().rstrip("=")


def _after(token: str) -> str:
    if not token:
        return ""
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument(
            "page_token is not one this service gave",
            message_zh="分页标记无效",
            field="page_token",
        ) from exc


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


def _delegation_out(d: Delegation) -> identity_pb2.Delegation:
    return identity_pb2.Delegation(
        id=d.id,
        department_code=d.department_code,
        representative_id=d.representative_id,
        item_codes=d.item_codes,
        all_items=d.all_items,
        tier=d.tier,
        valid_from=ts(d.valid_from),
        valid_until=ts(d.valid_until),
        revoked_at=_when(d.revoked_at),
        revoked_reason=d.revoked_reason,
        granted_by=d.granted_by,
    )


def _when(value: datetime | None) -> Timestamp | None:
    return ts(value) if value is not None else None


def _substitution_out(s: Substitution) -> identity_pb2.Substitution:
    return identity_pb2.Substitution(
        id=s.id,
        holder_id=s.holder_id,
        substitute_id=s.substitute_id,
        department_code=s.department_code,
        valid_from=ts(s.valid_from),
        valid_until=ts(s.valid_until),
        ended_at=_when(s.ended_at),
        named_by=s.named_by,
    )


def _page_size(requested: int, largest: int, default: int) -> int:
    size = requested or default
    if not 0 < size <= largest:
        raise InvalidArgument(
            f"page_size must be 1 to {largest}",
            message_zh=f"每页条数须为1至{largest}",
            field="page_size",
        )
    return size


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, runtime: Runtime, signer: Signer, codes: CodeSender | None = None):
        self._rt = runtime
        self._signer = signer
        self._settings: IdentitySettings = runtime.settings  # type: ignore[assignment]
        self._codes = codes or CodeSender(
            runtime, signer, notify_target=self._settings.notify_grpc_target
        )

    async def SignIn(self, request, context):  # type: ignore[no-untyped-def]
        if not request.username:
            raise InvalidArgument("username is required", field="username")
        async with transaction(self._rt.sessions) as session:
            outcome = await service.sign_in(
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
        async with transaction(self._rt.sessions) as session:
            issued = await service.issue_service_token(
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
            access_token=issued.token, expires_at=_ts(issued.expires_at)
        )

    async def ExchangeDelegation(self, request, context):  # type: ignore[no-untyped-def]
        if not request.subject_token:
            raise InvalidArgument("subject_token is required", field="subject_token")
        actor = await self._rt.verifier.principal(request.subject_token)
        async with transaction(self._rt.sessions) as session:
            outcome = await delegation_service.exchange(
                session,
                signer=self._signer,
                actor=actor,
                department_code=request.department_code,
                on_behalf_of=request.on_behalf_of_staff_id,
                ttl_s=self._settings.approval_credential_ttl_s,
            )
        self._rt.committed()
        if isinstance(outcome, Refused):
            raise outcome.error
        delegation, issued = outcome
        return identity_pb2.ExchangeDelegationResponse(
            approval_credential=issued.token,
            expires_at=_ts(issued.expires_at),
            item_codes=delegation.item_codes,
            all_items=delegation.all_items,
        )

    async def GrantDelegation(self, request, context):  # type: ignore[no-untyped-def]
        start, end = _period(request, "valid_from", "valid_until")
        async with transaction(self._rt.sessions) as session:
            delegation = await delegation_service.grant(
                session,
                actor=current_principal(),
                department_code=request.department_code,
                representative_id=request.representative_id,
                item_codes=list(request.item_codes),
                all_items=request.all_items,
                tier=request.tier or "city",
                valid_from=start,
                valid_until=end,
            )
            out = _delegation_out(delegation)
        return identity_pb2.GrantDelegationResponse(delegation=out)

    async def RevokeDelegation(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            delegation = await delegation_service.revoke(
                session,
                actor=current_principal(),
                delegation_id=request.delegation_id,
                reason=request.reason,
            )
            revoked_at = delegation.revoked_at
        self._rt.committed()
        return identity_pb2.RevokeDelegationResponse(revoked_at=ts(revoked_at))

    async def NameSubstitute(self, request, context):  # type: ignore[no-untyped-def]
        start, end = _period(request, "valid_from", "valid_until")
        async with transaction(self._rt.sessions) as session:
            substitution = await delegation_service.name_substitute(
                session,
                actor=current_principal(),
                holder_id=request.holder_id,
                substitute_id=request.substitute_id,
                department_code=request.department_code,
                valid_from=start,
                valid_until=end,
            )
        return identity_pb2.NameSubstituteResponse(substitution_id=substitution.id)

    async def EndSubstitution(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            substitution = await delegation_service.end_substitution(
                session, actor=current_principal(), substitution_id=request.substitution_id
            )
            ended_at = substitution.ended_at
        self._rt.committed()
        return identity_pb2.EndSubstitutionResponse(ended_at=ts(ended_at))

    async def CheckGrant(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service("city-center", "town-hall", "village-room")
        if not request.delegation_id:
            raise InvalidArgument("delegation_id is required", field="delegation_id")
        async with transaction(self._rt.sessions) as session:
            valid, reason = await delegation_service.check(
                session,
                delegation_id=request.delegation_id,
                substitution_id=request.substitution_id,
            )
        return identity_pb2.CheckGrantResponse(valid=valid, reason=reason)

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
        size = _page_size(request.page_size, service.MAX_PAGE_SIZE, service.PAGE_SIZE)
        async with transaction(self._rt.sessions) as session:
            rows, more = await service.list_staff(
                session,
                actor=current_principal(),
                place_code=request.place_code,
                role=request.role,
                tier=request.tier,
                department_code=request.department_code,
                after=_after(request.page_token),
                limit=size,
            )
            out = [_staff_out(s) for s in rows]
        return identity_pb2.ListStaffResponse(
            staff=out, next_page_token=_page_token(out[-1].username) if more else ""
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

    async def ListDelegations(self, request, context):  # type: ignore[no-untyped-def]
        size = _page_size(
            request.page_size, delegation_service.MAX_PAGE_SIZE, delegation_service.PAGE_SIZE
        )
        async with transaction(self._rt.sessions) as session:
            rows, more = await delegation_service.list_delegations(
                session,
                actor=current_principal(),
                department_code=request.department_code,
                after=_after(request.page_token),
                limit=size,
            )
            out = [_delegation_out(d) for d in rows]
        return identity_pb2.ListDelegationsResponse(
            delegations=out, next_page_token=_page_token(out[-1].id) if more else ""
        )

    async def ListSubstitutions(self, request, context):  # type: ignore[no-untyped-def]
        size = _page_size(
            request.page_size, delegation_service.MAX_PAGE_SIZE, delegation_service.PAGE_SIZE
        )
        async with transaction(self._rt.sessions) as session:
            rows, more = await delegation_service.list_substitutions(
                session,
                actor=current_principal(),
                department_code=request.department_code,
                after=_after(request.page_token),
                limit=size,
            )
            out = [_substitution_out(x) for x in rows]
        return identity_pb2.ListSubstitutionsResponse(
            substitutions=out, next_page_token=_page_token(out[-1].id) if more else ""
        )

    async def RegisterIntegrationClient(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            client, secret = await service.register_client(
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

    async def RequestCode(self, request, context):  # type: ignore[no-untyped-def]
        language = request.language or "zh"
        if language not in ("zh", "en"):
            raise InvalidArgument("language must be zh or en", field="language")
        async with transaction(self._rt.sessions) as session:
            outcome = await applicant_service.request_code(session, phone=request.phone)
        if isinstance(outcome, Refused):
            raise outcome.error
        await self._codes.send(outcome, language=language)
        return identity_pb2.RequestCodeResponse(expires_at=ts(outcome.expires_at))

    async def VerifyCode(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            outcome = await applicant_service.verify_code(
                session,
                signer=self._signer,
                phone=request.phone,
                code=request.code,
                ttl_s=self._settings.applicant_token_ttl_s,
            )
        if isinstance(outcome, Refused):
            raise outcome.error
        subject, issued = outcome
        return identity_pb2.VerifyCodeResponse(
            access_token=issued.token,
            expires_at=_ts(issued.expires_at),
            applicant_subject=subject,
        )
