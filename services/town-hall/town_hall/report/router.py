"""The report box over HTTP: public on purpose (a citizen needs no account to complain), and
the township staff's list of what was handed in and whether the city has it yet."""

from __future__ import annotations

from fastapi import APIRouter

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from town_hall.notice.router import PlaceCode
from town_hall.notice.service import require_township_code
from town_hall.report import service
from town_hall.report.schemas import ReportIn, ReportOut, ReportReceipt

router = APIRouter(prefix="/api/v1", tags=["report box"])


@router.post(
    "/public/townships/{place_code}/reports", response_model=ReportReceipt, status_code=201
)
async def submit(place_code: PlaceCode, body: ReportIn, runtime: CurrentRuntime) -> ReportReceipt:
    """A complaint or report for the city's supervisors; the receipt's number and code follow
    it (the code is shown only here, once)."""
    require_township_code(place_code)
    async with transaction(runtime.sessions) as session:
        report, code = await service.submit(
            session, township_code=place_code, data=service.ReportData(**body.model_dump())
        )
    runtime.committed()
    return ReportReceipt(
        number=report.number, code=code, kind=report.kind, received_at=report.received_at
    )


@router.get("/townships/{place_code}/reports", response_model=list[ReportOut])
async def listing(
    place_code: PlaceCode, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[ReportOut]:
    """The township's staff: every report with where it stands (never the contact)."""
    async with transaction(runtime.sessions) as session:
        rows = await service.listing(session, staff=principal, township_code=place_code)
    return [
        ReportOut(
            number=r.number,
            kind=r.kind,
            content=r.content,
            case_number=r.case_number,
            window_code=r.window_code,
            person=r.person,
            received_at=r.received_at,
            forwarded_at=r.forwarded_at,
            city_status=r.city_status,
            waiting_reason=(call.failure_message or "") if call else "",
        )
        for r, call in rows
    ]
