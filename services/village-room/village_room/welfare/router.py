from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.room.dependencies import PlaceCode, require_village_staff
from village_room.visit.schemas import ID
from village_room.welfare import service
from village_room.welfare.schemas import CollectionIn, CollectionOut

router = APIRouter(prefix="/api/v1/rooms/{place_code}/welfare-collections", tags=["welfare"])


@router.post("", response_model=CollectionOut, status_code=201)
async def collect(
    place_code: PlaceCode, body: CollectionIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> CollectionOut:
    """A benefit the staff member collected for an elderly villager or a left-behind child."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.collect(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return CollectionOut.model_validate(row)


@router.get("", response_model=list[CollectionOut])
async def list_collections(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    beneficiary_applicant_id: Annotated[str | None, Query(pattern=ID)] = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
) -> list[CollectionOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(
            session, place_code=place_code, beneficiary=beneficiary_applicant_id, period=period
        )
    return [CollectionOut.model_validate(r) for r in rows]
