"""CityCenterService over gRPC: townships escalate, fetch decisions; the catalog is public."""

from __future__ import annotations

from city_center.case import service as case_service
from city_center.catalog.servicer import CATALOG_PUBLIC_METHODS, CatalogRpcs
from govnet.citycenter.v1 import city_center_pb2, city_center_pb2_grpc
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.grpcutil import current_principal
from govnet_kit.runtime import Runtime

PUBLIC_METHODS = CATALOG_PUBLIC_METHODS


class CityCenterServicer(CatalogRpcs, city_center_pb2_grpc.CityCenterServiceServicer):
    def __init__(self, runtime: Runtime):
        self._rt = runtime

    async def SubmitCase(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service("town-hall")
        if not request.HasField("transfer"):
            raise InvalidArgument("transfer is required", field="transfer")
        async with transaction(self._rt.sessions) as session:
            case, created = await case_service.receive(
                session,
                transfer=request.transfer,
                city_place_code=self._rt.settings.place_code,  # type: ignore[attr-defined]
            )
        self._rt.committed()
        return city_center_pb2.SubmitCaseResponse(
            case_number=case.case_number, created=created, status=case.status
        )

    async def GetDecision(self, request, context):  # type: ignore[no-untyped-def]
        current_principal().require_service("town-hall")
        if not request.case_number:
            raise InvalidArgument("case_number is required", field="case_number")
        async with transaction(self._rt.sessions) as session:
            case, record = await case_service.get_decision(session, request.case_number)
        return city_center_pb2.GetDecisionResponse(
            decision=case_service.decision_message(case, record)
        )
