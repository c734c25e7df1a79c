"""VillageRoomService over gRPC: the status of a case by number and query code."""

from __future__ import annotations

from govnet.common.v1 import case_pb2
from govnet.villageroom.v1 import village_room_pb2, village_room_pb2_grpc
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.ratelimit import FailureLimiter
from govnet_kit.runtime import Runtime
from village_room.case import service as case_service

# Public on purpose: the query code printed on the slip is what authorises the look-up.
PUBLIC_METHODS = frozenset({"/govnet.villageroom.v1.VillageRoomService/GetCaseStatus"})


class VillageRoomServicer(village_room_pb2_grpc.VillageRoomServiceServicer):
    def __init__(self, runtime: Runtime, limiter: FailureLimiter):
        self._rt = runtime
        self._limiter = limiter

    async def GetCaseStatus(self, request, context):  # type: ignore[no-untyped-def]
        if not request.case_number:
            raise InvalidArgument("case_number is required", field="case_number")
        if not request.query_code:
            raise InvalidArgument("query_code is required", field="query_code")
        async with transaction(self._rt.sessions) as session:
            case = await case_service.find_by_query_code(
                session, request.case_number, request.query_code, limiter=self._limiter
            )
        return village_room_pb2.GetCaseStatusResponse(
            case_number=case.case_number, status=case_pb2.CaseStatus.Name(case.status)
        )
