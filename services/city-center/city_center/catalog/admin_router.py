"""Keeping the catalog: drafts, publishing, imports, departments and stationing (administrator),
and the stationing gaps supervisors watch (C4). Every route requires a signed-in principal."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from city_center.catalog import bulk, records, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.dependencies import Administrator, Supervisor, actor
from city_center.catalog.models import Item
from city_center.catalog.router import CodePath, version_out
from city_center.catalog.schemas import (
    DepartmentPatch,
    DepartmentSpec,
    DraftOut,
    ImportOut,
    ItemSpec,
    StationingGap,
    StationingIn,
    VersionOut,
)
from govnet.catalog.v1 import catalog_pb2
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog (administration)"])

MAX_IMPORT_BYTES = 20 * 1024 * 1024


def draft_out(row: Item) -> DraftOut:
    record = catalog_pb2.CatalogItem.FromString(row.record)
    return DraftOut(
        **version_out(row).model_dump(), item=records.to_spec(record, with_version=True)
    )


@router.get("/drafts", response_model=list[DraftOut])
async def list_drafts(admin: Administrator, runtime: CurrentRuntime) -> list[DraftOut]:
    async with transaction(runtime.sessions) as session:
        return [draft_out(r) for r in await catalog_service.drafts(session)]


@router.post("/items", response_model=DraftOut, status_code=201)
async def create_draft(spec: ItemSpec, admin: Administrator, runtime: CurrentRuntime) -> DraftOut:
    """A draft of a new item, or of the next version written out in full."""
    async with transaction(runtime.sessions) as session:
        row = await catalog_service.create_draft(session, spec=spec, actor=actor(admin))
        return draft_out(row)


@router.post("/items/{code}/versions", response_model=DraftOut, status_code=201)
async def draft_next_version(
    code: CodePath, admin: Administrator, runtime: CurrentRuntime
) -> DraftOut:
    """A draft of the next version, copied from the one in force, which stays in force."""
    async with transaction(runtime.sessions) as session:
        row = await catalog_service.draft_next_version(session, code=code, actor=actor(admin))
        return draft_out(row)


@router.put("/items/{code}/versions/{version}", response_model=DraftOut)
async def update_draft(
    code: CodePath, version: int, spec: ItemSpec, admin: Administrator, runtime: CurrentRuntime
) -> DraftOut:
    """Edit a draft; a published or retired version is frozen (409)."""
    async with transaction(runtime.sessions) as session:
        row = await catalog_service.update_draft(
            session, code=code, version=version, spec=spec, actor=actor(admin)
        )
        return draft_out(row)


@router.delete("/items/{code}/versions/{version}", status_code=204)
async def delete_draft(
    code: CodePath, version: int, admin: Administrator, runtime: CurrentRuntime
) -> Response:
    async with transaction(runtime.sessions) as session:
        await catalog_service.delete_draft(session, code=code, version=version, actor=actor(admin))
    return Response(status_code=204)


@router.post("/items/{code}/versions/{version}/publish", response_model=VersionOut)
async def publish_draft(
    code: CodePath, version: int, admin: Administrator, runtime: CurrentRuntime
) -> VersionOut:
    """Freeze the draft, retire the version in force, replicate it to the lower tiers."""
    async with transaction(runtime.sessions) as session:
        row = await catalog_service.publish_draft(
            session, code=code, version=version, actor=actor(admin)
        )
        out = version_out(row)
    runtime.committed()
    return out


_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post("/import", response_model=ImportOut, openapi_extra=_FILE_BODY)
async def import_catalog(
    request: Request,
    admin: Administrator,
    runtime: CurrentRuntime,
    format: Literal["yaml", "csv"] = "yaml",
    publish: Annotated[bool, Query(description="publish the drafts the file creates")] = False,
) -> ImportOut:
    """A whole file, checked first: a 422 lists every error with its row, line and field."""
    if int(request.headers.get("content-length") or 0) > MAX_IMPORT_BYTES:
        raise InvalidArgument(
            "the file is larger than 20 MiB", message_zh="文件超过20MB", field="file"
        )
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArgument(
            "the file is not UTF-8", message_zh="文件应为UTF-8编码", field="file"
        ) from exc
    async with transaction(runtime.sessions) as session:
        out = await bulk.import_catalog(
            session, text, fmt=format, publish=publish, actor=actor(admin)
        )
    runtime.committed()
    return out


@router.post("/departments", response_model=DepartmentSpec)
async def put_department(
    spec: DepartmentSpec, admin: Administrator, runtime: CurrentRuntime
) -> DepartmentSpec:
    """Register a department or replace its names and stationing."""
    async with transaction(runtime.sessions) as session:
        await stationing.put_department(session, spec=spec, actor=actor(admin))
    return spec


@router.patch("/departments/{code}", response_model=DepartmentSpec)
async def patch_department(
    code: str, patch: DepartmentPatch, admin: Administrator, runtime: CurrentRuntime
) -> DepartmentSpec:
    async with transaction(runtime.sessions) as session:
        d = await stationing.patch_department(session, code=code, patch=patch, actor=actor(admin))
        return DepartmentSpec(
            code=d.code, name_zh=d.name_zh, name_en=d.name_en, stationed=d.stationed
        )


@router.put("/stationing/items/{code}", status_code=204)
async def station_item(
    code: CodePath, body: StationingIn, admin: Administrator, runtime: CurrentRuntime
) -> Response:
    """Record that an item is (or is no longer) stationed at its department's window."""
    async with transaction(runtime.sessions) as session:
        await stationing.set_item_stationed(
            session,
            item_code=code,
            stationed=body.stationed,
            window=body.window,
            actor=actor(admin),
        )
    return Response(status_code=204)


@router.get("/stationing/gaps", response_model=list[StationingGap])
async def stationing_gaps(supervisor: Supervisor, runtime: CurrentRuntime) -> list[StationingGap]:
    """Departments not stationed, or with items the center accepts that are not stationed."""
    async with transaction(runtime.sessions) as session:
        return await stationing.gaps(session)
