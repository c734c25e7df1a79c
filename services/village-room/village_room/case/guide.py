"""The service guide: the catalog as this village sees it, from the local read copy (T3, decision 3).
Public on purpose, like the city's catalog."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from google.protobuf.json_format import MessageToDict

from govnet_kit import catalog_replica
from govnet_kit.db import transaction
from govnet_kit.errors import NotFound
from govnet_kit.web import CurrentRuntime

router = APIRouter(prefix="/api/v1/guide", tags=["service guide (public)"])


@router.get("/items/{code}")
async def guide_item(code: str, runtime: CurrentRuntime) -> dict[str, Any]:
    async with transaction(runtime.sessions) as session:
        item = await catalog_replica.current(session, code)
    if item is None:
        raise NotFound(
            f"no item {code} in the local catalog copy",
            message_zh=f"本地目录中无此事项：{code}",
            field="code",
        )
    return MessageToDict(item, preserving_proto_field_name=True)
