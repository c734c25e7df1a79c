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

    async def state(self, case_number: str) -> case_pb2.CaseState:
        resp = await self._stub.GetCaseState(
            city_center_pb2.GetCaseStateRequest(case_number=case_number),
            metadata=await self._rt.service_tokens.metadata(case_number=case_number),
            timeout=10.0,
        )
        return resp.state

    async def withdraw(self, case_number: str, *, reason: str, requested_by: str) -> int:
        resp = await self._stub.WithdrawCase(
            city_center_pb2.WithdrawCaseRequest(
                case_number=case_number, reason=reason, requested_by=requested_by
            ),
            metadata=await self._rt.service_tokens.metadata(
                case_number=case_number, acting_user=requested_by
            ),
            timeout=10.0,
        )
        return resp.status

    async def supplement(
        self, case_number: str, *, materials: list[case_pb2.Material], acting_staff_id: str
    ) -> case_pb2.CaseState:
        resp = await self._stub.SupplementCase(
            city_center_pb2.SupplementCaseRequest(
                case_number=case_number, materials=materials, acting_staff_id=acting_staff_id
            ),
            metadata=await self._rt.service_tokens.metadata(
                case_number=case_number, acting_user=f"staff:{acting_staff_id}"
            ),
            timeout=30.0,
        )
        return resp.state

    def handlers(self) -> dict[str, CallHandler]:
        return {
            case_service.ESCALATE: self.escalate,
            case_service.FETCH_DECISION: self.fetch_decision,
        }


async def handle_city_status(session: AsyncSession, event: Event) -> None:
    await case_service.on_status_event(
        session, event=events_pb2.CaseStatusChanged.FromString(event.data)
    )
