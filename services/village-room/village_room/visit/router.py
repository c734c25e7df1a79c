from __future__ import annotations

from fastapi import APIRouter

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.visit import service as visit_service
from village_room.visit.schemas import VisitIn, VisitOut

router = APIRouter(prefix="/api/v1/visits", tags=["visit register"])


@router.post("", response_model=VisitOut, status_code=201)
async def register_visit(
    body: VisitIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> VisitOut:
    principal.require_staff(tier="village")
    principal.require_place(body.place_code)
    async with transaction(runtime.sessions) as session:
        visit = await visit_service.register(
            session, place_code=body.place_code, staff_id=principal.subject, topic=body.topic
        )
    return VisitOut.model_validate(visit)


@router.get("", response_model=list[VisitOut])
async def list_visits(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[VisitOut]:
    principal.require_staff(tier="village")
    async with transaction(runtime.sessions) as session:
        visits = await visit_service.list_for_place(session, place_code=principal.place_code)
    return [VisitOut.model_validate(v) for v in visits]
