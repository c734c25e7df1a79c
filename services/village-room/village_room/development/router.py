from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.development import service
from village_room.development.models import DevelopmentActivity, DevelopmentSession
from village_room.development.schemas import (
    ActivityIn,
    ActivityKind,
    ActivityOut,
    SessionIn,
    SessionOut,
)
from village_room.room.dependencies import PlaceCode, require_village_staff
from village_room.visit.schemas import ID

router = APIRouter(
    prefix="/api/v1/rooms/{place_code}/development/activities", tags=["economic development"]
)
ActivityId = Annotated[str, Path(pattern=ID)]


def _out(row: DevelopmentActivity, sessions: list[DevelopmentSession]) -> ActivityOut:
    out = ActivityOut.model_validate(row)
    out.sessions = [SessionOut.model_validate(s) for s in sessions]
    out.total_attendance = sum(s.attendance for s in sessions)
    return out


@router.post("", response_model=ActivityOut, status_code=201)
async def create(
    place_code: PlaceCode, body: ActivityIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ActivityOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.create(
            session, place_code=place_code, staff_id=principal.subject, **body.model_dump()
        )
    return _out(row, [])


@router.post("/{activity_id}/sessions", response_model=SessionOut, status_code=201)
async def add_session(
    place_code: PlaceCode,
    activity_id: ActivityId,
    body: SessionIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> SessionOut:
    """A guidance or training session held, with its attendance."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.add_session(
            session,
            place_code=place_code,
            activity_id=activity_id,
            staff_id=principal.subject,
            **body.model_dump(),
        )
    return SessionOut.model_validate(row)


@router.get("/{activity_id}", response_model=ActivityOut)
async def get(
    place_code: PlaceCode,
    activity_id: ActivityId,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> ActivityOut:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        row = await service.get(session, place_code=place_code, activity_id=activity_id)
        sessions = await service.sessions_of(session, row.id)
    return _out(row, sessions)


@router.get("", response_model=list[ActivityOut])
async def list_activities(
    place_code: PlaceCode,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: ActivityKind | None = None,
) -> list[ActivityOut]:
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.list_at(session, place_code=place_code, kind=kind)
    return [_out(r, []) for r in rows]
