"""The public catalog: no sign-in (C2). Search, items, versions, disclosures, fees, export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from city_center.catalog import disclosure, export, fees, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.models import Item
from city_center.catalog.schemas import VersionOut
from city_center.catalog.vocabulary import CATEGORIES
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog (public)"])

CodePath = Annotated[str, Path(max_length=50, pattern=r"^[A-Za-z0-9-]+$")]
VersionQuery = Annotated[
    int | None, Query(ge=1, description="a published or retired version; default: in force")
]


def _public(message: Message) -> dict[str, Any]:
    return MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def version_out(row: Item) -> VersionOut:
    return VersionOut(
        code=row.code,
        version=row.version,
        status=row.status,
        name_zh=row.name_zh,
        department_code=row.department_code,
        published_at=row.published_at,
        retired_at=row.retired_at,
        updated_at=row.updated_at,
    )


@router.get("/items")
async def search_items(
    runtime: CurrentRuntime,
    response: Response,
    tier: Annotated[
        Literal["city", "town", "village"] | None, Query(description="accepted at this tier")
    ] = None,
    department: Annotated[str | None, Query(max_length=50)] = None,
    category: Annotated[str | None, Query(max_length=50)] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="keyword in the code or a name")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """The items in force; the total number that match is in `X-Total-Count`."""
    criteria = catalog_service.Search(
        tier=tier, department=department, category=category, q=q, limit=limit, offset=offset
    )
    async with transaction(runtime.sessions) as session:
        items, total = await catalog_service.search(session, criteria)
    response.headers["X-Total-Count"] = str(total)
    return [_public(i) for i in items]


@router.get("/items/{code}")
async def get_item(
    code: CodePath, runtime: CurrentRuntime, version: VersionQuery = None
) -> dict[str, Any]:
    async with transaction(runtime.sessions) as session:
        item, _status = await catalog_service.get_published(session, code, version)
    return _public(item)


@router.get("/items/{code}/versions", response_model=list[VersionOut])
async def list_versions(code: CodePath, runtime: CurrentRuntime) -> list[VersionOut]:
    """Published and retired versions: a case keeps the version it was accepted under."""
    async with transaction(runtime.sessions) as session:
        return [version_out(r) for r in await catalog_service.versions(session, code)]


@router.get("/items/{code}/disclosure")
async def get_disclosure(
    code: CodePath,
    runtime: CurrentRuntime,
    lang: Literal["zh", "en"] = "zh",
    version: VersionQuery = None,
) -> dict[str, Any]:
    """The "seven disclosures" and the double default, in Chinese or English."""
    async with transaction(runtime.sessions) as session:
        item, _status = await catalog_service.get_published(session, code, version)
    return _public(disclosure.disclose(item, lang))


@router.get("/items/{code}/fee")
async def assess_fee(
    code: CodePath,
    runtime: CurrentRuntime,
    units: Annotated[int, Query(ge=0, le=fees.MAX_UNITS)] = 0,
    version: VersionQuery = None,
) -> dict[str, Any]:
    """The fee an application pays (C6), from the version in force or the case's version."""
    async with transaction(runtime.sessions) as session:
        item, _status = await catalog_service.get_published(session, code, version)
    return _public(fees.assess(item, units=units))


@router.get("/departments")
async def list_departments(runtime: CurrentRuntime) -> list[dict[str, Any]]:
    """Every department, whether it is stationed, and which of its items are (C4)."""
    async with transaction(runtime.sessions) as session:
        return [_public(d) for d in await stationing.departments(session)]


@router.get("/categories")
async def list_categories() -> list[dict[str, str]]:
    """The plan's categories of township items."""
    return [
        {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en} for c in CATEGORIES.values()
    ]


@router.get("/export")
async def export_catalog(
    runtime: CurrentRuntime, format: Literal["yaml", "csv"] = "yaml"
) -> Response:
    """The catalog in force as a file: YAML with everything, CSV with the flat fields."""
    async with transaction(runtime.sessions) as session:
        if format == "yaml":
            body, media = await export.export_yaml(session), "application/yaml"
        else:
            body, media = await export.export_csv(session), "text/csv"
    return Response(
        content=body.encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="catalog.{format}"'},
    )
