"""After an online application commits (rule 6): the applicant's contact goes to notify, so
that every status change of the case reaches them by their channel, in their language (N1).
A pending call, retried until notify acknowledges it (govnet_kit.calls)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case import online
from city_center.case import service as case_service
from city_center.case.models import OnlineApplicant
from govnet.notify.v1 import notify_pb2, notify_pb2_grpc
from govnet_kit.calls import CallHandler
from govnet_kit.errors import NotFound

CHANNELS = {"sms": notify_pb2.CHANNEL_SMS, "in_app": notify_pb2.CHANNEL_IN_APP}


class OnlineFlows:
    def __init__(self, runtime, notify_target: str):  # type: ignore[no-untyped-def]
        self._rt = runtime
        self.notify = notify_pb2_grpc.NotifyServiceStub(runtime.channel_to(notify_target))

    async def register_recipients(self, session: AsyncSession, payload: bytes) -> None:
        case = await case_service.get_case(session, payload.decode())
        contact = await session.get(OnlineApplicant, case.id)
        if contact is None:
            raise NotFound(f"case {case.case_number} was not applied for online")
        await self.notify.RegisterRecipients(
            notify_pb2.RegisterRecipientsRequest(
                case_number=case.case_number,
                recipients=[
                    notify_pb2.Recipient(
                        role=notify_pb2.RECIPIENT_ROLE_APPLICANT,
                        channel=CHANNELS.get(contact.channel, notify_pb2.CHANNEL_SMS),
                        language=contact.language,
                        address=contact.phone,
                    )
                ],
            ),
            metadata=await self._rt.service_tokens.metadata(case_number=case.case_number),
            timeout=10.0,
        )

    def handlers(self) -> dict[str, CallHandler]:
        return {online.REGISTER_RECIPIENTS: self.register_recipients}
