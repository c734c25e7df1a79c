"""The public JSON look-up (issue 8): public on purpose, limited against guessing."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from city_center.case import lookup
from govnet.common.v1 import case_pb2
from govnet_kit import lifecycle
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1", tags=["public"])


class PublicCaseOut(BaseModel):
    case_number: str
    item_code: str
    item_name_zh: str
    item_name_en: str
    status: str
    status_zh: str
    department_code: str
    department_name_zh: str
    department_name_en: str
    deadline: datetime
    clock_stopped: bool
    remaining_days: int | None
    result_document_number: str
    # An online case's result (T1): "ready" to collect at the city (where_*), then
    # "handed_over" (when, in_person or post, the post's tracking number); "" otherwise.
    collection: str
    collect_where_zh: str
    collect_where_en: str
    handed_over_at: datetime | None
    hand_over_channel: str
    tracking_number: str


@router.get("/public/cases/{case_number}", response_model=PublicCaseOut)
async def public_case(
    case_number: Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")],
    runtime: CurrentRuntime,
    request: Request,
    query_code: Annotated[str, Query(min_length=4, max_length=20)],
) -> PublicCaseOut:
    """The applicant follows the case with the number and query code from the slip."""
    async with transaction(runtime.sessions) as session:
        found = await lookup.find(
            session, case_number, query_code, limiter=request.app.state.lookup_limiter
        )
    return PublicCaseOut(
        case_number=found.case_number,
        item_code=found.item_code,
        item_name_zh=found.item_name_zh,
        item_name_en=found.item_name_en,
        status=case_pb2.CaseStatus.Name(found.status),
        status_zh=lifecycle.NAMES_ZH.get(found.status, lifecycle.name(found.status)),
        department_code=found.department_code,
        department_name_zh=found.department_name_zh,
        department_name_en=found.department_name_en,
        deadline=found.deadline,
        clock_stopped=found.clock_stopped,
        remaining_days=found.remaining_days,
        result_document_number=found.result_document_number,
        collection=found.collection.state,
        collect_where_zh=found.collection.where_zh,
        collect_where_en=found.collection.where_en,
        handed_over_at=found.collection.handed_over_at,
        hand_over_channel=found.collection.channel,
        tracking_number=found.collection.tracking_number,
    )
