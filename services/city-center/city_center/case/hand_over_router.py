"""The department's HTTP API for handing over online cases' results (T1, L4): the list waiting
and the hand-over itself; the desk's pages (web/desk_hand_over.py) call the same functions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from city_center.case import hand_over
from city_center.case.hand_over_schemas import HandOverIn, HandOverOut, ToHandOverOut
from govnet.common.v1 import case_pb2
from govnet_kit import lifecycle
from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime

router = APIRouter(prefix="/api/v1", tags=["cases"])
CaseNumber = Annotated[str, Path(max_length=40, pattern=r"^[0-9A-Za-z-]+$")]


@router.get("/to-hand-over", response_model=list[ToHandOverOut])
async def to_hand_over(principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[ToHandOverOut]:
    """The signed-in department staff's online cases decided and not yet handed over."""
    principal.require_staff(tier="city")
    async with transaction(runtime.sessions) as session:
        rows = await hand_over.to_hand_over(session, department_code=principal.department_code)
    return [
        ToHandOverOut(
            case_number=c.case_number,
            item_code=c.item_code,
            decision=lifecycle.name(d.status),
            result_document_number=d.result_document_number,
            document_title=d.document_title,
            decided_at=d.decided_at,
        )
        for c, d in rows
    ]


@router.post("/cases/{case_number}/hand-over", response_model=HandOverOut)
async def hand_over_result(
    case_number: CaseNumber, body: HandOverIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> HandOverOut:
    """Hand over the document or letter: in person (the ID card's number must be the
    applicant's) or by post (its tracking number); once."""
    async with transaction(runtime.sessions) as session:
        record = await hand_over.hand_over(
            session,
            case_number=case_number,
            staff=principal,
            given=hand_over.HandOverInput(
                channel=body.channel,
                id_number=body.id_number,
                tracking_number=body.tracking_number,
            ),
            city_place_code=runtime.settings.place_code,  # type: ignore[attr-defined]
        )
        out = HandOverOut(
            case_number=case_number,
            status=case_pb2.CaseStatus.Name(case_pb2.CASE_STATUS_REPLIED),
            decision=lifecycle.name(record.status),
            result_document_number=record.result_document_number,
            channel=record.hand_over_channel,
            tracking_number=record.tracking_number,
            handed_over_at=record.handed_over_at,  # type: ignore[arg-type]
            handed_over_by=record.handed_over_by,
        )
    runtime.committed()  # the outbox relay: the status event goes out now
    return out
