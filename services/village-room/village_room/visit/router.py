from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.visit import service as visit_service
from village_room.visit.schemas import ID, Outcome, OutcomeIn, VisitIn, VisitOut

router = APIRouter(prefix="/api/v1/visits", tags=["visit register"])


def visit_filter(
    start: Annotated[date | None, Query(alias="from", description="first day, YYYY-MM-DD")] = None,
    end: Annotated[date | None, Query(alias="to", description="last day, YYYY-MM-DD")] = None,
    outcome: Outcome | None = None,
    staff_id: Annotated[str | None, Query(max_length=36)] = None,
    topic: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    case_number: Annotated[str | None, Query(max_length=40)] = None,
    applicant_id: Annotated[str | None, Query(pattern=ID)] = None,
) -> visit_service.VisitFilter:
    return visit_service.VisitFilter(
        start=start,
        end=end,
        outcome=outcome,
        staff_id=staff_id,
        topic=topic,
        case_number=case_number,
        applicant_id=applicant_id,
    )


Filter = Annotated[visit_service.VisitFilter, Depends(visit_filter)]


@router.post("", response_model=VisitOut, status_code=201)
async def register_visit(
    body: VisitIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> VisitOut:
    principal.require_staff(tier="village")
    principal.require_place(body.place_code)
    async with transaction(runtime.sessions) as session:
        visit = await visit_service.register(
            session,
            place_code=body.place_code,
            staff_id=principal.subject,
            topic=body.topic,
            applicant_id=body.applicant_id,
            outcome=body.outcome,
        )
    return VisitOut.model_validate(visit)


@router.get("", response_model=list[VisitOut])
async def list_visits(
    where: Filter,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[VisitOut]:
    """The register of this place, newest first, searchable by day, outcome, staff, topic."""
    principal.require_staff(tier="village")
    async with transaction(runtime.sessions) as session:
        visits = await visit_service.search(
            session, place_code=principal.place_code, where=where, limit=limit, offset=offset
        )
    return [VisitOut.model_validate(v) for v in visits]


@router.get("/export.csv", response_class=Response)
async def export_visits(
    where: Filter, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> Response:
    """The same search as a CSV file (UTF-8 with BOM, so spreadsheets show the Chinese)."""
    principal.require_staff(tier="village")
    async with transaction(runtime.sessions) as session:
        visits = await visit_service.search(
            session, place_code=principal.place_code, where=where, limit=visit_service.EXPORT_LIMIT
        )
    return Response(
        content="\ufeff" + visit_service.to_csv(visits),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="visits-{principal.place_code}.csv"'
        },
    )


@router.post("/{visit_id}/outcome", response_model=VisitOut)
async def settle_visit(
    visit_id: Annotated[str, Path(pattern=ID)],
    body: OutcomeIn,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> VisitOut:
    """What came of the visit: consulted, redirected, accepted or mediated."""
    principal.require_staff(tier="village")
    async with transaction(runtime.sessions) as session:
        visit = await visit_service.get_for_place(
            session, visit_id=visit_id, place_code=principal.place_code
        )
        visit = await visit_service.settle(
            session,
            visit=visit,
            outcome=body.outcome,
            staff_id=principal.subject,
            case_number=body.case_number,
        )
    return VisitOut.model_validate(visit)
