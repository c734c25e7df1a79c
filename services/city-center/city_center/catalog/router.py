"""The public catalog: no sign-in (C2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from google.protobuf.json_format import MessageToDict

from city_center.catalog import service as catalog_service
from govnet_kit.db import transaction
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog (public)"])


def _public(item: Any) -> dict[str, Any]:
    return MessageToDict(
        item, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


@router.get("/items")
async def list_items(
    runtime: CurrentRuntime,
    q: str | None = Query(default=None, max_length=100, description="keyword in the name"),
) -> list[dict[str, Any]]:
    async with transaction(runtime.sessions) as session:
        items = await catalog_service.in_force(session)
    if q:
        items = [i for i in items if q in i.name_zh or q.lower() in i.name_en.lower()]
    return [_public(i) for i in items]


@router.get("/items/{code}")
async def get_item(code: str, runtime: CurrentRuntime) -> dict[str, Any]:
    async with transaction(runtime.sessions) as session:
        return _public(await catalog_service.get_in_force(session, code))
