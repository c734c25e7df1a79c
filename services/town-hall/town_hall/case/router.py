"""The township window's HTTP API: its cases and their clocks."""

from __future__ import annotations

from fastapi import APIRouter

from govnet.common.v1 import case_pb2
from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from town_hall.case import service as case_service
from town_hall.case.models import TownCase
from town_hall.case.schemas import CaseOut

router = APIRouter(prefix="/api/v1", tags=["cases"])


def _out(case: TownCase, document: str = "") -> CaseOut:
    return CaseOut(
        case_number=case.case_number,
        township_code=case.township_code,
        origin_place_code=case.origin_place_code,
        item_code=case.item_code,
        item_version=case.item_version,
        department_code=case.department_code,
        status=case_pb2.CaseStatus.Name(case.status),
        accepted_at=case.accepted_at,
        deadline=case.deadline,
        result_document_number=document,
    )


@router.get("/cases", response_model=list[CaseOut])
async def list_cases(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[CaseOut]:
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        cases = await case_service.list_cases(session, township_code=principal.place_code)
    return [_out(c) for c in cases]


@router.get("/cases/{case_number}", response_model=CaseOut)
async def get_case(
    case_number: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CaseOut:
    principal.require_staff(tier="town")
    async with transaction(runtime.sessions) as session:
        case = await case_service.get_case(session, case_number)
        principal.require_place(case.township_code)
        decision = await case_service.stored_decision(session, case_number)
    return _out(case, decision.result_document_number if decision else "")
