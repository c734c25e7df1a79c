from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.agency import service
from village_room.agency.models import AGENCY_KINDS_ZH, AgencyRecord
from village_room.agency.schemas import AgencyIn, AgencyKind, AgencyOut
from village_room.room.dependencies import PlaceCode, require_village_staff
from village_room.visit.schemas import ID

router = APIRouter(prefix="/api/v1/rooms/{place_code}/agency", tags=["certificate agency"])


def _out(row: AgencyRecord) -> AgencyOut:
    out = AgencyOut.model_validate(row)
    out.kind_zh = AGENCY_KINDS_ZH.get(row.kind, "")
    return out


@router.post("", response_model=AgencyOut, status_code=201)
async def record(
    place_code: PlaceCode, body: AgencyIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AgencyOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.record(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return _out(row)


@router.post("/{record_id}/handover", response_model=AgencyOut)
async def hand_over(
    place_code: PlaceCode,
    record_id: Annotated[str, Path(pattern=ID)],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> AgencyOut:
    """The certificate handed to the villager (once)."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.hand_over(
            session, place_code=place_code, record_id=record_id, staff_id=principal.subject
        )
    return _out(row)


@router.get("", response_model=list[AgencyOut])
async def list_records(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: AgencyKind | None = None,
) -> list[AgencyOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(session, place_code=place_code, kind=kind)
    return [_out(r) for r in rows]
