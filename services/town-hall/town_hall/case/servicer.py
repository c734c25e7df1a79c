"""TownHallService over gRPC: villages transmit cases and fetch decisions."""

from __future__ import annotations

from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.grpcutil import current_principal
from govnet_kit.runtime import Runtime
from town_hall.case import service as case_service
from town_hall.case.flows import CityLink


class TownHallServicer(town_hall_pb2_grpc.TownHallServiceServicer):
    def __init__(self, runtime: Runtime, city: CityLink):
        self._rt = runtime
        self._city = city

    async def SubmitCase(self, request, context):  # type: ignore[no-untyped-def]
        caller = current_principal()
        caller.require_service("village-room")
        if not request.HasField("transfer"):
            raise InvalidArgument("transfer is required", field="transfer")
        async with transaction(self._rt.sessions) as session:
            case, created = await case_service.receive(
                session, transfer=request.transfer, sender=caller.subject
            )
        self._rt.committed()
        return town_hall_pb2.SubmitCaseResponse(
            case_number=case.case_number, created=created, status=case.status
        )

    async def GetDecision(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service("village-room")
        if not request.case_number:
            raise InvalidArgument("case_number is required", field="case_number")
        async with transaction(self._rt.sessions) as session:
            record = await case_service.stored_decision(session, request.case_number)
            if record is None:
                # The village may ask before this hall's own fetch ran: fetch through.
                decision = await self._city.fetch_decision(session, request.case_number.encode())
                return town_hall_pb2.GetDecisionResponse(decision=decision)
        return town_hall_pb2.GetDecisionResponse(
            decision=case_service.decision_message(request.case_number, record)
        )
