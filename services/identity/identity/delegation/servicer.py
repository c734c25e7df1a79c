"""IdentityService's delegation RPCs (A1, L7): grants, substitutions, the credential exchange
and the grant check services make at decision time."""

from __future__ import annotations

from datetime import datetime

from govnet.identity.v1 import identity_pb2
from govnet_kit.cases import from_ts, ts
from govnet_kit.db import transaction, utcnow
from govnet_kit.errors import InvalidArgument
from govnet_kit.grpcutil import current_principal
from identity.delegation import service as delegation_service
from identity.rpc import IdentityRpcs, after, page_size, page_token, ts_seconds, when
from identity.staff.models import Delegation, Substitution
from identity.tokens import Refused


def _period(request, field_from: str, field_until: str) -> tuple[datetime, datetime]:  # type: ignore[no-untyped-def]
    if not request.HasField(field_until):
        raise InvalidArgument(f"{field_until} is required", field=field_until)
    start = from_ts(getattr(request, field_from)) if request.HasField(field_from) else utcnow()
    return start, from_ts(getattr(request, field_until))


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
        revoked_at=when(d.revoked_at),
        revoked_reason=d.revoked_reason,
        granted_by=d.granted_by,
    )


def _substitution_out(s: Substitution) -> identity_pb2.Substitution:
    return identity_pb2.Substitution(
        id=s.id,
        holder_id=s.holder_id,
        substitute_id=s.substitute_id,
        department_code=s.department_code,
        valid_from=ts(s.valid_from),
        valid_until=ts(s.valid_until),
        ended_at=when(s.ended_at),
        named_by=s.named_by,
    )


class DelegationRpcs(IdentityRpcs):
    """Delegations, substitutions, credentials and the grant check (A1, L7)."""

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
            expires_at=ts_seconds(issued.expires_at),
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

    async def ListDelegations(self, request, context):  # type: ignore[no-untyped-def]
        size = page_size(
            request.page_size, delegation_service.MAX_PAGE_SIZE, delegation_service.PAGE_SIZE
        )
        async with transaction(self._rt.sessions) as session:
            rows, more = await delegation_service.list_delegations(
                session,
                actor=current_principal(),
                department_code=request.department_code,
                after=after(request.page_token),
                limit=size,
            )
            out = [_delegation_out(d) for d in rows]
        return identity_pb2.ListDelegationsResponse(
            delegations=out, next_page_token=page_token(out[-1].id) if more else ""
        )

    async def ListSubstitutions(self, request, context):  # type: ignore[no-untyped-def]
        size = page_size(
            request.page_size, delegation_service.MAX_PAGE_SIZE, delegation_service.PAGE_SIZE
        )
        async with transaction(self._rt.sessions) as session:
            rows, more = await delegation_service.list_substitutions(
                session,
                actor=current_principal(),
                department_code=request.department_code,
                after=after(request.page_token),
                limit=size,
            )
            out = [_substitution_out(x) for x in rows]
        return identity_pb2.ListSubstitutionsResponse(
            substitutions=out, next_page_token=page_token(out[-1].id) if more else ""
        )
