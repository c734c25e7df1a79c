"""TownHallService over gRPC: villages transmit cases and fetch decisions."""

from __future__ import annotations

from govnet.common.v1 import case_pb2
from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from govnet_kit import access_log
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument, Unavailable
from govnet_kit.grpcutil import current_principal
from govnet_kit.runtime import Runtime
from govnet_kit.worktime import WorkCalendar
from town_hall.case import service as case_service
from town_hall.case import steps
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
            await access_log.served(session)
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
                case = await case_service.get_case(session, request.case_number)
                if case_service.decided_here(case):
                    # The township's own item: its decision is made here, not fetched.
                    await steps.decision_of(session, case)  # raises Conflict: not decided yet
                # The village may ask before this hall's own fetch ran: fetch through.
                decision = await self._city.fetch_decision(session, request.case_number.encode())
                await access_log.served(session)  # last: the chain's head is locked till commit
                return town_hall_pb2.GetDecisionResponse(decision=decision)
            await access_log.served(session)
        return town_hall_pb2.GetDecisionResponse(
            decision=case_service.decision_message(request.case_number, record)
        )

    def _required(self, request) -> None:  # type: ignore[no-untyped-def]
        current_principal().require_service("village-room")
        if not request.case_number:
            raise InvalidArgument("case_number is required", field="case_number")

    async def GetCaseState(self, request, context):  # type: ignore[no-untyped-def]
        """For a city item the city's state (it decides); else this hall's own."""
        self._required(request)
        async with transaction(self._rt.sessions) as session:
            case = await case_service.get_case(session, request.case_number)
            from_city = await case_service.decided_by_city(session, case)
        if from_city and case.status != case_pb2.CASE_STATUS_RECEIVED:
            return town_hall_pb2.GetCaseStateResponse(
                state=await self._city.state(request.case_number)
            )
        return town_hall_pb2.GetCaseStateResponse(state=case_service.state_message(case))

    async def WithdrawCase(self, request, context):  # type: ignore[no-untyped-def]
        """Relayed to the city for its items; the village retries until it has an answer."""
        self._required(request)
        by = request.requested_by or current_principal().subject
        async with transaction(self._rt.sessions) as session:
            case = await case_service.locked_case(session, request.case_number)
            if case.status == case_pb2.CASE_STATUS_WITHDRAWN or case.status in case_service.DECIDED:
                return town_hall_pb2.WithdrawCaseResponse(status=case.status)
            if not await case_service.decided_by_city(session, case):
                status = await case_service.withdraw_here(
                    session, case=case, reason=request.reason, by=by
                )
                self._rt.committed()
                return town_hall_pb2.WithdrawCaseResponse(status=status)
            if case.status == case_pb2.CASE_STATUS_RECEIVED:
                # Transient, not a refusal: UNAVAILABLE keeps the village's pending call
                # retrying (govnet_kit.calls), where FAILED_PRECONDITION would stop it.
                raise Unavailable(
                    "the case is still on its way to the city; ask again shortly",
                    message_zh="办件正在上报市级，请稍后再试",
                )
        status = await self._city.withdraw(
            request.case_number, reason=request.reason, requested_by=by
        )
        async with transaction(self._rt.sessions) as session:
            await case_service.withdrawn_above(
                session, case_number=request.case_number, status=status
            )
        return town_hall_pb2.WithdrawCaseResponse(status=status)

    async def SupplementCase(self, request, context):  # type: ignore[no-untyped-def]
        """Relayed to the city; kept here too, as the case's other materials are."""
        self._required(request)
        for i, m in enumerate(request.materials):
            if not m.code or not m.content:
                raise InvalidArgument("material needs a code and content", field=f"materials[{i}]")
        async with transaction(self._rt.sessions) as session:
            case = await steps.locked_case(session, request.case_number)
            here = case_service.decided_here(case)
            if here:
                # The township asked for it: the case resumes here and its clock runs again.
                await steps.supplement(
                    session,
                    case=case,
                    materials=list(request.materials),
                    sender=current_principal().subject,
                    calendar=WorkCalendar(
                        confirmed_years=self._rt.settings.confirmed_calendar_years  # type: ignore[attr-defined]
                    ),
                )
                state = case_service.state_message(case)
        if here:
            self._rt.committed()
            return town_hall_pb2.SupplementCaseResponse(state=state)
        state = await self._city.supplement(
            request.case_number,
            materials=list(request.materials),
            acting_staff_id=request.acting_staff_id,
        )
        async with transaction(self._rt.sessions) as session:
            await case_service.add_supplement(
                session, case_number=request.case_number, materials=list(request.materials)
            )
        return town_hall_pb2.SupplementCaseResponse(state=state)
