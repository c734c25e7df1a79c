from __future__ import annotations

from fastapi import APIRouter

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.consultation import service
from village_room.consultation.schemas import ConsultationField, ConsultationIn, ConsultationOut
from village_room.room.dependencies import PlaceCode, require_village_staff

router = APIRouter(prefix="/api/v1/rooms/{place_code}/consultations", tags=["consultation"])


@router.post("", response_model=ConsultationOut, status_code=201)
async def record(
    place_code: PlaceCode,
    body: ConsultationIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> ConsultationOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.record(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return ConsultationOut.model_validate(row)


@router.get("", response_model=list[ConsultationOut])
async def list_records(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    field: ConsultationField | None = None,
) -> list[ConsultationOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(session, place_code=place_code, field=field)
    return [ConsultationOut.model_validate(r) for r in rows]
