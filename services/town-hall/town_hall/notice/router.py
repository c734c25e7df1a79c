"""The hall's notices over HTTP: its staff publish and withdraw (signed in, with the editor's
role); anyone reads those in force, per township (public on purpose, like the catalog)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from govnet_kit.db import transaction
from govnet_kit.web import CurrentPrincipal, CurrentRuntime
from town_hall.notice import service
from town_hall.notice.models import TownNotice
from town_hall.notice.schemas import NoticeIn, NoticeOut

router = APIRouter(prefix="/api/v1", tags=["notices"])
PlaceCode = Annotated[str, Path(pattern=r"^\d{12}$", description="the township's division code")]
NoticeId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$")]
Kind = Literal[
    "policy",
    "duty",
    "procedure",
    "time_limit",
    "fee",
    "hours",
    "consultation_phone",
    "complaint_phone",
]


def notice_out(n: TownNotice) -> NoticeOut:
    zh, en = service.KIND_NAMES.get(n.kind, (n.kind, n.kind))
    return NoticeOut(
        id=n.id,
        township_code=n.township_code,
        kind=n.kind,
        kind_zh=zh,
        kind_en=en,
        title_zh=n.title_zh,
        title_en=n.title_en,
        body_zh=n.body_zh,
        body_en=n.body_en,
        phone=n.phone,
        published_at=n.published_at,
        withdrawn_at=n.withdrawn_at,
    )


@router.post("/townships/{place_code}/notices", response_model=NoticeOut, status_code=201)
async def publish(
    place_code: PlaceCode, body: NoticeIn, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NoticeOut:
    service.require_township_code(place_code)
    async with transaction(runtime.sessions) as session:
        notice = await service.publish(
            session,
            township_code=place_code,
            staff=principal,
            data=service.NoticeData(**body.model_dump()),
        )
    return notice_out(notice)


@router.delete("/townships/{place_code}/notices/{notice_id}", response_model=NoticeOut)
async def withdraw(
    place_code: PlaceCode, notice_id: NoticeId, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NoticeOut:
    async with transaction(runtime.sessions) as session:
        notice = await service.withdraw(
            session, township_code=place_code, notice_id=notice_id, staff=principal
        )
    return notice_out(notice)


@router.get("/public/townships/{place_code}/notices", response_model=list[NoticeOut])
async def public_notices(
    place_code: PlaceCode,
    runtime: CurrentRuntime,
    kind: Annotated[Kind | None, Query()] = None,
) -> list[NoticeOut]:
    """Public on purpose: the hall's policies, duties, procedures, time limits, fees, hours and
    its consultation and complaint phones, in Chinese and English."""
    service.require_township_code(place_code)
    async with transaction(runtime.sessions) as session:
        return [notice_out(n) for n in await service.in_force(session, place_code, kind)]
