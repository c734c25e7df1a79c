"""IdentityService's applicant RPCs: a one-time code by SMS, and its exchange for a session."""

from __future__ import annotations

from govnet.identity.v1 import identity_pb2
from govnet_kit.cases import ts
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from identity.applicant import service as applicant_service
from identity.rpc import IdentityRpcs, ts_seconds
from identity.tokens import Refused


class ApplicantRpcs(IdentityRpcs):
    """An applicant signs in with a one-time code sent to their phone."""

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
            expires_at=ts_seconds(issued.expires_at),
            applicant_subject=subject,
        )
