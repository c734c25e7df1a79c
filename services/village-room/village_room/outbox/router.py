"""`GET /api/v1/outbox?place_code=`: what waits to go up, and what needs fixing; a fixed item
is requeued with `POST /api/v1/outbox/{id}/retry` (audited). The place's own village staff."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from village_room.outbox import service
from village_room.outbox.schemas import OutboxItemOut, OutboxOut
from village_room.room.dependencies import PLACE_CODE, require_village_staff

router = APIRouter(prefix="/api/v1/outbox", tags=["outbox"])


@router.get("", response_model=OutboxOut)
async def list_outbox(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    place_code: Annotated[str, Query(pattern=PLACE_CODE)],
) -> OutboxOut:
    """Each item with its reason (township unreachable, retry at ...), in Chinese and English."""
    require_village_staff(principal, place_code)
    async with transaction(runtime.sessions) as session:
        items = await service.open_calls(session, place_code)
    out = [OutboxItemOut(**asdict(i)) for i in items]
    return OutboxOut(
        place_code=place_code,
        waiting=[i for i in out if i.state == service.WAITING],
        needs_fixing=[i for i in out if i.state == service.NEEDS_FIXING],
    )


@router.post("/{call_id}/retry", response_model=OutboxItemOut)
async def retry(
    call_id: Annotated[str, Path(min_length=1, max_length=36)],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> OutboxItemOut:
    async with transaction(runtime.sessions) as session:
        call = await service.get_call(session, call_id)
        require_village_staff(principal, service.place_of(call))
        requeued = await service.requeue(session, call=call, actor=principal.subject)
    runtime.committed()
    return OutboxItemOut(**asdict(requeued))
