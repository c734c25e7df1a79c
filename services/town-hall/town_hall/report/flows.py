"""After commit (rule 6): a kept report goes up to the city's supervisors' queue, retried from
the pending-call table until the city acknowledges it (decision 1)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from govnet.citycenter.v1 import city_center_pb2, city_center_pb2_grpc
from govnet_kit.calls import CallHandler
from govnet_kit.cases import ts
from govnet_kit.runtime import Runtime
from town_hall.report import service


class ReportLink:
    def __init__(self, runtime: Runtime, target: str):
        self._rt = runtime
        self._stub = city_center_pb2_grpc.CityCenterServiceStub(runtime.channel_to(target))

    async def forward(self, session: AsyncSession, payload: bytes) -> None:
        report = await service.get(session, payload.decode(), lock=True)
        if report.forwarded_at is not None:
            return
        resp = await self._stub.SubmitComplaint(
            city_center_pb2.SubmitComplaintRequest(
                number=report.number,
                code=report.follow_code or "",
                kind=report.kind,
                content=report.content,
                contact=report.contact or "",
                place_code=report.township_code,
                case_number=report.case_number,
                window_id=report.window_code,
                person=report.person,
                received_at=ts(report.received_at),
            ),
            metadata=await self._rt.service_tokens.metadata(
                case_number=report.case_number, represented_party=f"report:{report.id}"
            ),
            timeout=10.0,
        )
        await service.forwarded(session, report, city_status=resp.status)

    def handlers(self) -> dict[str, CallHandler]:
        return {service.FORWARD: self.forward}
