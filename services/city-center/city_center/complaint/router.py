"""Complaints and reports (S3): a public form and the complainant's follow-up by number and
code; the supervisors' queue, follow-up and outcome. Satisfaction ratings (S2): public, by the
case number and the rating code handed over with the reply."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from city_center.complaint import service
from city_center.complaint.models import Complaint
from city_center.complaint.schemas import (
    ComplaintIn,
    ComplaintOut,
    ComplaintPublic,
    ComplaintReceipt,
    NoteIn,
    OutcomeIn,
    RatingIn,
    RatingOut,
    StepOut,
)
from city_center.supervision.dependencies import Now, Supervisor, scoped_place
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(tags=["complaints and ratings"])

# The city's own numbers, and those a township's report box issues (CP-<place>-<day>-<seq>).
Number = Annotated[str, Path(pattern=r"^CP-(\d{8}-[0-9A-F]{6}|\d{12}-\d{8}-\d{4,5})$")]


def _public(c: Complaint) -> ComplaintPublic:
    return ComplaintPublic.model_validate(c, from_attributes=True)


async def _full(session, c: Complaint) -> ComplaintOut:  # type: ignore[no-untyped-def]
    out = ComplaintOut.model_validate(c, from_attributes=True)
    out.steps = [
        StepOut.model_validate(s, from_attributes=True) for s in await service.steps(session, c)
    ]
    return out


@router.post("/api/v1/complaints", response_model=ComplaintReceipt, status_code=201)
async def submit(body: ComplaintIn, runtime: CurrentRuntime, now: Now) -> ComplaintReceipt:
    """Public, no sign-in: the complaint goes to the supervisors' queue."""
    form = service.ComplaintForm(**{k: v for k, v in body.model_dump().items() if v is not None})
    async with transaction(runtime.sessions) as session:
        complaint, code = await service.submit(session, form, now=now)
    return ComplaintReceipt(
        number=complaint.number, code=code, status=complaint.status, received_at=now
    )


@router.get("/api/v1/complaints/{number}", response_model=ComplaintPublic)
async def follow(
    number: Number,
    runtime: CurrentRuntime,
    code: Annotated[str, Query(min_length=8, max_length=8)],
) -> ComplaintPublic:
    """The complainant's view: status, outcome and reply."""
    async with transaction(runtime.sessions) as session:
        return _public(await service.public_view(session, number, code))


@router.post("/api/v1/ratings", response_model=RatingOut, status_code=201)
async def rate(body: RatingIn, runtime: CurrentRuntime, now: Now) -> RatingOut:
    async with transaction(runtime.sessions) as session:
        rating = await service.rate(
            session,
            case_number=body.case_number,
            code=body.code,
            score=body.score,
            comment=body.comment,
            now=now,
        )
    return RatingOut(case_number=rating.case_number, score=rating.score, rated_at=rating.rated_at)


@router.get("/api/v1/supervision/complaints", response_model=list[ComplaintOut])
async def queue(
    supervisor: Supervisor,
    runtime: CurrentRuntime,
    status: Literal["received", "in_progress", "concluded"] | None = None,
    place: Annotated[str | None, Query(pattern=r"^\d{1,12}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ComplaintOut]:
    """The supervisors' queue, oldest first. Complaints naming no place are the city's."""
    scoped = scoped_place(supervisor, place)
    async with transaction(runtime.sessions) as session:
        rows = await service.queue(session, status=status, place=scoped, limit=limit)
        return [await _full(session, c) for c in rows]


@router.get("/api/v1/supervision/complaints/{number}", response_model=ComplaintOut)
async def record(number: Number, supervisor: Supervisor, runtime: CurrentRuntime) -> ComplaintOut:
    async with transaction(runtime.sessions) as session:
        return await _full(session, await service.get(session, number))


@router.post("/api/v1/supervision/complaints/{number}/take", response_model=ComplaintOut)
async def take(
    number: Number, supervisor: Supervisor, runtime: CurrentRuntime, now: Now
) -> ComplaintOut:
    async with transaction(runtime.sessions) as session:
        c = await service.take(session, number, staff_id=supervisor.subject, now=now)
        return await _full(session, c)


@router.post("/api/v1/supervision/complaints/{number}/notes", response_model=ComplaintOut)
async def add_note(
    number: Number, body: NoteIn, supervisor: Supervisor, runtime: CurrentRuntime, now: Now
) -> ComplaintOut:
    async with transaction(runtime.sessions) as session:
        c = await service.note(
            session, number, staff_id=supervisor.subject, text=body.note, now=now
        )
        return await _full(session, c)


@router.post("/api/v1/supervision/complaints/{number}/outcome", response_model=ComplaintOut)
async def conclude(
    number: Number, body: OutcomeIn, supervisor: Supervisor, runtime: CurrentRuntime, now: Now
) -> ComplaintOut:
    async with transaction(runtime.sessions) as session:
        c = await service.conclude(
            session,
            number,
            staff_id=supervisor.subject,
            outcome=body.outcome,
            reply=body.reply,
            now=now,
        )
        return await _full(session, c)
