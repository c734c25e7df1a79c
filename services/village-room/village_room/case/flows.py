"""Side effects after commit (rule 6): transmit to the township, register recipients with
notify, fetch decisions; each retried from the pending-call table until acknowledged."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet.notify.v1 import notify_pb2, notify_pb2_grpc
from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from govnet_kit.calls import CallHandler
from govnet_kit.consumer import Event
from govnet_kit.errors import Unavailable
from govnet_kit.runtime import Runtime
from village_room.case import service as case_service
from village_room.case import steps as case_steps

CHANNELS = {
    "sms": notify_pb2.CHANNEL_SMS,
    "email": notify_pb2.CHANNEL_EMAIL,
    "in_app": notify_pb2.CHANNEL_IN_APP,
}


def _actor(case) -> str:  # type: ignore[no-untyped-def]
    """Who acts for the case: the agent, or the applicant who applied online (by reference)."""
    if case.agent_staff_id:
        return f"staff:{case.agent_staff_id}"
    return f"applicant:{case.applicant_id}@{case.place_code}"


class Links:
    """The village's gRPC edges: up to its township, across to notify."""

    def __init__(self, runtime: Runtime, *, town_target: str, notify_target: str):
        self._rt = runtime
        self.town = town_hall_pb2_grpc.TownHallServiceStub(runtime.channel_to(town_target))
        self.notify = notify_pb2_grpc.NotifyServiceStub(runtime.channel_to(notify_target))

    async def transmit(self, session: AsyncSession, payload: bytes) -> None:
        case_number = payload.decode()
        case = await case_service.get_case(session, case_number)
        transfer = await case_service.transfer_for(session, case_number, case.place_code)
        await self.town.SubmitCase(
            town_hall_pb2.SubmitCaseRequest(transfer=transfer),
            metadata=await self._rt.service_tokens.metadata(
                case_number=case_number,
                acting_user=_actor(case),
                represented_party=transfer.applicant_ref,
            ),
            timeout=10.0,
        )
        await case_service.transmitted(session, case_number=case_number)

    async def register_recipients(self, session: AsyncSession, payload: bytes) -> None:
        case = await case_service.get_case(session, payload.decode())
        person = await case_service.applicant_of(session, case)
        await self.notify.RegisterRecipients(
            notify_pb2.RegisterRecipientsRequest(
                case_number=case.case_number,
                recipients=[
                    notify_pb2.Recipient(
                        role=notify_pb2.RECIPIENT_ROLE_APPLICANT,
                        channel=CHANNELS.get(person.channel, notify_pb2.CHANNEL_SMS),
                        language=person.language,
                        address=person.phone,
                    ),
                    # The staff member who applied as agent is told in the app (none online).
                    *(
                        [
                            notify_pb2.Recipient(
                                role=notify_pb2.RECIPIENT_ROLE_AGENT,
                                channel=notify_pb2.CHANNEL_IN_APP,
                                language="zh",
                                address=f"staff:{case.agent_staff_id}",
                            )
                        ]
                        if case.agent_staff_id
                        else []
                    ),
                ],
            ),
            metadata=await self._rt.service_tokens.metadata(case_number=case.case_number),
            timeout=10.0,
        )

    async def fetch_decision(self, session: AsyncSession, payload: bytes) -> None:
        resp = await self.town.GetDecision(
            town_hall_pb2.GetDecisionRequest(case_number=payload.decode()),
            metadata=await self._rt.service_tokens.metadata(case_number=payload.decode()),
            timeout=10.0,
        )
        await case_service.record_reply(session, decision=resp.decision)

    async def fetch_state(self, session: AsyncSession, payload: bytes) -> None:
        """What the deciding tier asked to supplement, after its suspension event."""
        case = await case_service.get_case(session, payload.decode())
        resp = await self.town.GetCaseState(
            town_hall_pb2.GetCaseStateRequest(case_number=case.case_number),
            metadata=await self._rt.service_tokens.metadata(case_number=case.case_number),
            timeout=10.0,
        )
        await case_steps.store_state(session, case=case, state=resp.state)

    async def withdraw(self, session: AsyncSession, payload: bytes) -> None:
        case = await case_service.get_case(session, payload.decode())
        if case.status == case_pb2.CASE_STATUS_ACCEPTED:
            # Not at the township yet (its transmission waits too): the township would answer
            # NOT_FOUND, a refusal. Retried until the transmission has gone first.
            raise Unavailable(
                "the case is not at the township yet; the withdrawal follows its transmission",
                message_zh="办件尚未报送乡镇，撤回将在报送后发出",
            )
        person = await case_service.applicant_of(session, case)
        resp = await self.town.WithdrawCase(
            town_hall_pb2.WithdrawCaseRequest(
                case_number=case.case_number,
                reason=case.withdrawal_reason or "",
                requested_by=f"applicant:{person.id}@{case.place_code}",
            ),
            metadata=await self._rt.service_tokens.metadata(
                case_number=case.case_number,
                acting_user=_actor(case),
                represented_party=f"applicant:{person.id}@{case.place_code}",
            ),
            timeout=15.0,
        )
        await case_steps.withdrawal_answered(session, case=case, status=resp.status)

    async def supplement(self, session: AsyncSession, payload: bytes) -> None:
        case_number, number = payload.decode().rsplit("#", 1)
        case = await case_service.get_case(session, case_number)
        await self.town.SupplementCase(
            town_hall_pb2.SupplementCaseRequest(
                case_number=case_number,
                materials=await case_steps.supplement_materials(
                    session, case=case, number=int(number)
                ),
                acting_staff_id=case.agent_staff_id,
            ),
            metadata=await self._rt.service_tokens.metadata(
                case_number=case_number, acting_user=_actor(case)
            ),
            timeout=30.0,
        )
        await case_steps.supplement_delivered(session, case=case)

    async def notifications(self, case_number: str) -> list[notify_pb2.Notification]:
        resp = await self.notify.ListNotifications(
            notify_pb2.ListNotificationsRequest(case_number=case_number),
            metadata=await self._rt.service_tokens.metadata(case_number=case_number),
            timeout=5.0,
        )
        return list(resp.notifications)

    def handlers(self) -> dict[str, CallHandler]:
        return {
            case_service.TRANSMIT: self.transmit,
            case_service.REGISTER_RECIPIENTS: self.register_recipients,
            case_service.FETCH_DECISION: self.fetch_decision,
            case_service.FETCH_STATE: self.fetch_state,
            case_steps.WITHDRAW: self.withdraw,
            case_steps.SUPPLEMENT: self.supplement,
        }


async def handle_status(session: AsyncSession, event: Event) -> None:
    await case_service.on_status_event(
        session, event=events_pb2.CaseStatusChanged.FromString(event.data)
    )
