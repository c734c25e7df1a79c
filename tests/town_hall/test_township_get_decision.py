"""GetDecision at the township (issue 10): a village asks for a city item's decision; calls for
the same case that overlap (the village's fetch-through beside the hall's own fetch) each fetch
it from the city, and both answer it first time, stored once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from govnet.citycenter.v1 import city_center_pb2
from govnet.common.v1 import case_pb2
from govnet.townhall.v1 import town_hall_pb2
from govnet_kit import audit, grpcutil
from govnet_kit.auth import Principal
from govnet_kit.cases import ts
from govnet_kit.db import transaction, utcnow
from tests.dbkit import fresh_sessions
from tests.town_hall.townkit import FELLING, load_catalog, transfer
from town_hall.case import service as case_service
from town_hall.case.flows import CityLink
from town_hall.case.models import TownDecision
from town_hall.case.servicer import TownHallServicer

S = case_pb2
VILLAGE_ROOM = Principal(subject="service:village-room", kind="service")


class _City:
    """The city's GetDecision as the stub calls it: answers only once `callers` calls are in
    flight, so they overlap."""

    def __init__(self, decision: case_pb2.Decision, callers: int):
        self._decision = decision
        self._barrier = asyncio.Barrier(callers)
        self.calls = 0

    def unary_unary(self, method: str, **_: object):  # type: ignore[no-untyped-def]
        async def call(request, **__):  # type: ignore[no-untyped-def]
            assert method.endswith("/GetDecision")
            self.calls += 1
            await asyncio.wait_for(self._barrier.wait(), 10)
            return city_center_pb2.GetDecisionResponse(decision=self._decision)

        return call


def _runtime(sessions, city: _City) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    async def metadata(**_: object) -> list[tuple[str, str]]:
        return []

    return SimpleNamespace(
        sessions=sessions,
        committed=lambda: None,
        channel_to=lambda target: city,
        service_tokens=SimpleNamespace(metadata=metadata),
    )


@pytest.mark.parametrize("callers", [2, 3])
async def test_overlapping_get_decisions_answer_the_same_decision_stored_once(tmp_path, callers):
    async with fresh_sessions("postgresql", tmp_path) as sessions:
        t = transfer(1, item_code=FELLING)
        async with transaction(sessions) as s:
            await load_catalog(s)
            await case_service.receive(s, transfer=t, sender="service:village-room")
        async with transaction(sessions) as s:
            await case_service.escalated(s, case_number=t.case_number)
        decision = S.Decision(
            case_number=t.case_number,
            status=S.CASE_STATUS_APPROVED,
            result_document_number="FORESTRY-2026-000001",
            document_title="林木采伐许可",
            document_text="准予许可",
            department_code="forestry",
            decided_by_staff_id="rep-1",
            decided_at=ts(utcnow()),
        )
        city = _City(decision, callers)
        runtime = _runtime(sessions, city)
        servicer = TownHallServicer(runtime, CityLink(runtime, "city"))  # type: ignore[arg-type]
        request = town_hall_pb2.GetDecisionRequest(case_number=t.case_number)

        async def ask() -> town_hall_pb2.GetDecisionResponse:
            return await servicer.GetDecision(request, None)

        reset = grpcutil._principal.set(VILLAGE_ROOM)
        try:
            answers = await asyncio.wait_for(asyncio.gather(*(ask() for _ in range(callers))), 30)
        finally:
            grpcutil._principal.reset(reset)
        assert city.calls == callers  # they did overlap: each fetched from the city
        assert [a.decision for a in answers] == [decision] * callers
        async with sessions() as s:
            stored = list(await s.scalars(select(TownDecision)))
            received = [
                e
                for e in await audit.entries_for_case(s, t.case_number)
                if e.action == "case.decision_received"
            ]
            case = await case_service.get_case(s, t.case_number)
        assert len(stored) == 1 and stored[0].result_document_number == "FORESTRY-2026-000001"
        assert len(received) == 1  # recorded once
        assert case.status == S.CASE_STATUS_APPROVED
        # A later call answers from what is stored, without asking the city.
        reset = grpcutil._principal.set(VILLAGE_ROOM)
        try:
            again = await ask()
        finally:
            grpcutil._principal.reset(reset)
        assert again.decision == decision and city.calls == callers
