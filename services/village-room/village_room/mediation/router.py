from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.mediation import service
from village_room.mediation.models import Mediation, MediationSession
from village_room.mediation.schemas import (
    DisputeType,
    MediationIn,
    MediationOut,
    OutcomeIn,
    SessionIn,
    SessionOut,
)
from village_room.room.dependencies import PlaceCode, require_village_staff
from village_room.visit.schemas import ID

router = APIRouter(prefix="/api/v1/rooms/{place_code}/mediations", tags=["civil mediation"])
MediationId = Annotated[str, Path(pattern=ID)]


def _out(row: Mediation, sessions: list[MediationSession]) -> MediationOut:
    out = MediationOut.model_validate(row)
    out.sessions = [SessionOut.model_validate(s) for s in sessions]
    return out


@router.post("", response_model=MediationOut, status_code=201)
async def open_case(
    place_code: PlaceCode, body: MediationIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MediationOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.open_case(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return _out(row, [])


@router.get("/{mediation_id}", response_model=MediationOut)
async def get(
    place_code: PlaceCode,
    mediation_id: MediationId,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> MediationOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.get(session, place_code=place_code, mediation_id=mediation_id)
        sessions = await service.sessions_of(session, row.id)
    return _out(row, sessions)


@router.post("/{mediation_id}/sessions", response_model=SessionOut, status_code=201)
async def add_session(
    place_code: PlaceCode,
    mediation_id: MediationId,
    body: SessionIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> SessionOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        item = await service.add_session(
            session,
            place_code=place_code,
            mediation_id=mediation_id,
            staff_id=principal.subject,
            **body.model_dump(),
        )
    return SessionOut.model_validate(item)


@router.post("/{mediation_id}/outcome", response_model=MediationOut)
async def close(
    place_code: PlaceCode,
    mediation_id: MediationId,
    body: OutcomeIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> MediationOut:
    """An agreement reached, or the dispute referred on (to the township, a court, ...)."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.close(
            session,
            place_code=place_code,
            mediation_id=mediation_id,
            staff_id=principal.subject,
            **body.model_dump(),
        )
        sessions = await service.sessions_of(session, row.id)
    return _out(row, sessions)


@router.get("", response_model=list[MediationOut])
async def list_mediations(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    status: Literal["open", "agreement", "referral"] | None = None,
    dispute_type: DisputeType | None = None,
) -> list[MediationOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(
            session, place_code=place_code, status=status, dispute_type=dispute_type
        )
    return [_out(r, []) for r in rows]
