"""The places register over HTTP: the administrator's (issue 8) and the public list (T3).

`GET /api/v1/places/public` is public on purpose, like the catalog: the active places with
their address, opening hours and phone, so an applicant knows where to go and when. Every
other route is the administrator's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from city_center.catalog.dependencies import Administrator, actor
from city_center.place import service as place_service
from city_center.place.schemas import PlaceOut, PlacePatch, PlaceSpec, PublicPlace
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1/places", tags=["places"])

CodePath = Annotated[str, Path(pattern=r"^[0-9]{12}$")]
TierQuery = Annotated[Literal["town", "village"] | None, Query()]
ParentQuery = Annotated[str | None, Query(pattern=r"^[0-9]{12}$")]
TextQuery = Annotated[str | None, Query(max_length=100, description="in the code or a name")]


@router.get("/public", response_model=list[PublicPlace])
async def public_places(
    runtime: CurrentRuntime,
    tier: TierQuery = None,
    parent: ParentQuery = None,
    q: TextQuery = None,
) -> list[PublicPlace]:
    """The active places: where to go, the opening hours, the phone. No sign-in."""
    where = place_service.Filter(tier=tier, parent=parent, q=q, active=True)
    async with transaction(runtime.sessions) as session:
        return [PublicPlace.model_validate(p) for p in await place_service.places(session, where)]


@router.get("", response_model=list[PlaceOut])
async def list_places(
    admin: Administrator,
    runtime: CurrentRuntime,
    tier: TierQuery = None,
    parent: ParentQuery = None,
    q: TextQuery = None,
    active: bool | None = None,
) -> list[PlaceOut]:
    where = place_service.Filter(tier=tier, parent=parent, q=q, active=active)
    async with transaction(runtime.sessions) as session:
        return [PlaceOut.model_validate(p) for p in await place_service.places(session, where)]


@router.get("/{code}", response_model=PlaceOut)
async def get_place(code: CodePath, admin: Administrator, runtime: CurrentRuntime) -> PlaceOut:
    async with transaction(runtime.sessions) as session:
        return PlaceOut.model_validate(await place_service.get(session, code))


@router.post("", response_model=PlaceOut, status_code=201)
async def register_place(
    spec: PlaceSpec, admin: Administrator, runtime: CurrentRuntime
) -> PlaceOut:
    """A duplicate code is a 409; a code that does not fit its tier or city, or a village whose
    township is not registered and active, a 422 naming the field."""
    async with transaction(runtime.sessions) as session:
        place = await place_service.register(
            session,
            spec=spec,
            city_code=runtime.settings.place_code,  # type: ignore[attr-defined]
            actor=actor(admin),
        )
        return PlaceOut.model_validate(place)


@router.patch("/{code}", response_model=PlaceOut)
async def edit_place(
    code: CodePath, patch: PlacePatch, admin: Administrator, runtime: CurrentRuntime
) -> PlaceOut:
    """Change names, address, hours or phone; `active` deactivates or reactivates."""
    async with transaction(runtime.sessions) as session:
        place = await place_service.edit(session, code=code, patch=patch, actor=actor(admin))
        return PlaceOut.model_validate(place)
