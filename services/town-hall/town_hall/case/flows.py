"""Side effects after commit (rule 6): calls up to the city, retried from the pending-call table."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.citycenter.v1 import city_center_pb2, city_center_pb2_grpc
from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.calls import CallHandler
from govnet_kit.consumer import Event
from govnet_kit.runtime import Runtime
from town_hall.case import service as case_service


class CityLink:
    """The township's gRPC edge to the city center, authenticated as the town-hall service."""

    def __init__(self, runtime: Runtime, target: str):
        self._rt = runtime
        self._stub = city_center_pb2_grpc.CityCenterServiceStub(runtime.channel_to(target))

    async def escalate(self, session: AsyncSession, payload: bytes) -> None:
        transfer = case_pb2.CaseTransfer.FromString(payload)
        await self._stub.SubmitCase(
            city_center_pb2.SubmitCaseRequest(transfer=transfer),
            metadata=await self._rt.service_tokens.metadata(
                case_number=transfer.case_number,
                acting_user=f"staff:{transfer.acting_staff_id}",
                represented_party=transfer.applicant_ref,
            ),
            timeout=10.0,
        )
        await case_service.escalated(session, case_number=transfer.case_number)

    async def fetch_decision(self, session: AsyncSession, payload: bytes) -> case_pb2.Decision:
        resp = await self._stub.GetDecision(
            city_center_pb2.GetDecisionRequest(case_number=payload.decode()),
            metadata=await self._rt.service_tokens.metadata(case_number=payload.decode()),
            timeout=10.0,
        )
        await case_service.store_decision(session, decision=resp.decision)
        return resp.decision

    def handlers(self) -> dict[str, CallHandler]:
        return {
            case_service.ESCALATE: self.escalate,
            case_service.FETCH_DECISION: self.fetch_decision,
        }


async def handle_city_status(session: AsyncSession, event: Event) -> None:
    await case_service.on_status_event(
        session, event=events_pb2.CaseStatusChanged.FromString(event.data)
    )
