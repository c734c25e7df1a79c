from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from govnet_kit.db import transaction
from govnet_kit.errors import PermissionDenied
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.assessment import service
from village_room.assessment.schemas import AssessmentOut, StaffAssessmentOut
from village_room.room.dependencies import (
    PlaceCode,
    require_township_staff,
    require_village_staff,
)

router = APIRouter(prefix="/api/v1/rooms/{place_code}/assessment", tags=["staff assessment"])


@router.get("", response_model=AssessmentOut, response_model_by_alias=True)
async def assessment(
    place_code: PlaceCode,
    start: Annotated[date, Query(alias="from", description="first day, YYYY-MM-DD")],
    end: Annotated[date, Query(alias="to", description="last day, YYYY-MM-DD")],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> AssessmentOut:
    """Each staff member's figures for the period: the room's own staff, or its township."""
    try:
        require_village_staff(principal, place_code)
    except PermissionDenied:
        require_township_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        rows = await service.assess(session, place_code=place_code, start=start, end=end)
    return AssessmentOut(
        place_code=place_code,
        from_=start,
        to=end,
        staff=[
            StaffAssessmentOut(
                staff_id=r.staff_id,
                visits=r.visits,
                cases_accepted=r.cases_accepted,
                replies_on_time=r.replies_on_time,
                replies_late=r.replies_late,
                awaiting_reply=r.awaiting_reply,
                on_time_rate=r.on_time_rate,
            )
            for r in rows
        ],
    )
