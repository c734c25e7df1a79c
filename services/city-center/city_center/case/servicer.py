"""CityCenterService over gRPC: townships escalate, fetch decisions; the catalog is public."""

from __future__ import annotations

from city_center.case import service as case_service
from city_center.case import steps
from city_center.catalog.servicer import CATALOG_PUBLIC_METHODS, CatalogRpcs
from city_center.complaint.servicer import ComplaintRpcs
from govnet.citycenter.v1 import city_center_pb2, city_center_pb2_grpc
from govnet_kit import access_log, calendar_table
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.grpcutil import current_principal
from govnet_kit.runtime import Runtime

PUBLIC_METHODS = CATALOG_PUBLIC_METHODS


class CityCenterServicer(
    CatalogRpcs, ComplaintRpcs, city_center_pb2_grpc.CityCenterServiceServicer
):
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
            await access_log.served(session)
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
            await access_log.served(session)
        return city_center_pb2.GetDecisionResponse(
            decision=case_service.decision_message(case, record)
        )

    def _required(self, request) -> None:  # type: ignore[no-untyped-def]
        current_principal().require_service("town-hall")
        if not request.case_number:
            raise InvalidArgument("case_number is required", field="case_number")

    async def GetCaseState(self, request, context):  # type: ignore[no-untyped-def]
        self._required(request)
        async with transaction(self._rt.sessions) as session:
            case = await case_service.get_case(session, request.case_number)
        return city_center_pb2.GetCaseStateResponse(state=steps.state_message(case))

    async def WithdrawCase(self, request, context):  # type: ignore[no-untyped-def]
        self._required(request)
        async with transaction(self._rt.sessions) as session:
            case = await steps.locked_case(session, request.case_number)
            status = await steps.withdraw(
                session,
                case=case,
                reason=request.reason,
                requested_by=request.requested_by or "service:town-hall",
                city_place_code=self._rt.settings.place_code,  # type: ignore[attr-defined]
            )
        self._rt.committed()
        return city_center_pb2.WithdrawCaseResponse(status=status)

    async def SupplementCase(self, request, context):  # type: ignore[no-untyped-def]
        self._required(request)
        async with transaction(self._rt.sessions) as session:
            case = await steps.locked_case(session, request.case_number)
            await steps.supplement(
                session,
                case=case,
                materials=list(request.materials),
                sender=f"staff:{request.acting_staff_id}"
                if request.acting_staff_id
                else "service:town-hall",
                calendar=await calendar_table.calendar(
                    session,
                    self._rt.settings.confirmed_calendar_years,  # type: ignore[attr-defined]
                ),
                city_place_code=self._rt.settings.place_code,  # type: ignore[attr-defined]
            )
            state = steps.state_message(case)
        self._rt.committed()
        return city_center_pb2.SupplementCaseResponse(state=state)
