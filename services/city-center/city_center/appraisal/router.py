"""Appraisal (S2), published: no sign-in. JSON and the CSV the city's review takes in."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from city_center.appraisal import export, service
from city_center.appraisal.schemas import ReportOut, RowOut
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1/appraisal", tags=["appraisal (public)"])

PeriodQuery = Annotated[str, Query(max_length=7, description="a year (2026) or quarter (2026Q3)")]
Unit = Literal["window", "staff", "department", "town", "village"]


async def _report(runtime, period: str, unit: str) -> service.Report:  # type: ignore[no-untyped-def]
    within = service.period(period)
    async with transaction(runtime.sessions) as session:
        return await service.appraise(session, unit=unit, within=within)


@router.get("", response_model=ReportOut)
async def appraisal(
    runtime: CurrentRuntime, period: PeriodQuery, unit: Unit = "department"
) -> ReportOut:
    report = await _report(runtime, period, unit)
    return ReportOut(
        period=report.period.label,
        start=report.period.start,
        end=report.period.end,
        unit=unit,
        rows=[
            RowOut(
                unit=r.unit,
                tier=r.tier,
                key=r.key,
                handled=r.handled,
                on_time=r.on_time,
                on_time_rate=r.on_time_rate,
                defaults=r.defaults,
                refusals=r.refusals,
                complaints=r.complaints,
                complaints_upheld=r.complaints_upheld,
                ratings=r.ratings,
                satisfaction=r.satisfaction,
                satisfied_rate=r.satisfied_rate,
            )
            for r in report.rows
        ],
    )


@router.get("/export.csv")
async def appraisal_csv(
    runtime: CurrentRuntime, period: PeriodQuery, unit: Unit = "department"
) -> Response:
    report = await _report(runtime, period, unit)
    # A BOM so that spreadsheet programs read the Chinese headers as UTF-8.
    return Response(
        content="\ufeff" + export.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="appraisal-{report.period.label}-{unit}.csv"'
        },
    )
