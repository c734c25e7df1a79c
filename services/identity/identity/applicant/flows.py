"""Side effects after commit (rule 6): the one-time code goes to notify, which sends the SMS."""

from __future__ import annotations

import grpc

from govnet.notify.v1 import notify_pb2, notify_pb2_grpc
from govnet_kit.errors import Unavailable
from govnet_kit.grpcutil import bearer_metadata
from govnet_kit.runtime import Runtime
from identity.applicant.service import CODE_TTL, CodeToSend
from identity.tokens import Signer

# Identity signs its own service token: it is the issuer, so it needs no client secret.
_SERVICE_CLAIMS = {"sub": "service:identity", "kind": "service", "roles": ["service"]}
_SERVICE_TOKEN_TTL_S = 300


class CodeSender:
    def __init__(self, runtime: Runtime, signer: Signer, *, notify_target: str):
        self._signer = signer
        self._notify = notify_pb2_grpc.NotifyServiceStub(runtime.channel_to(notify_target))

    async def send(self, code: CodeToSend, *, language: str) -> None:
        token, _ = self._signer.access_token(_SERVICE_CLAIMS, _SERVICE_TOKEN_TTL_S)
        try:
            await self._notify.SendDirect(
                notify_pb2.SendDirectRequest(
                    channel=notify_pb2.CHANNEL_SMS,
                    address=code.phone,
                    language=language,
                    template="one_time_code",
                    values={
                        "code": code.code,
                        "minutes": str(int(CODE_TTL.total_seconds() // 60)),
                    },
                    # Sending it again (a retried call) is a no-op at notify.
                    reference=code.request_id,
                ),
                metadata=bearer_metadata(token),
                timeout=5.0,
            )
        except grpc.aio.AioRpcError as exc:
            raise Unavailable(
                "the code could not be sent; try again in a minute",
                message_zh="验证码发送失败，请稍后再试",
            ) from exc
