"""The public catalog over gRPC (C2, C4, C6): for lower tiers and other government systems.

A mixin of CityCenterServicer, so the city has one gRPC service; every method here is public.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from city_center.catalog import disclosure, fees, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.vocabulary import TIER_NAMES
from govnet.citycenter.v1 import city_center_pb2
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime

_SERVICE = "/govnet.citycenter.v1.CityCenterService/"
CATALOG_PUBLIC_METHODS = frozenset(
    _SERVICE + name
    for name in (
        "ListCatalogItems",
        "SearchCatalogItems",
        "GetCatalogItem",
        "GetItemDisclosure",
        "ListDepartments",
        "AssessFee",
    )
)
MAX_PAGE = 500


def _offset(token: str) -> int:
    if not token:
        return 0
    if not token.isdigit():
        raise InvalidArgument("page_token is not one this service issued", field="page_token")
    return int(token)


class CatalogRpcs:
    _rt: Runtime

    async def ListCatalogItems(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            items = await catalog_service.in_force(session)
        return city_center_pb2.ListCatalogItemsResponse(items=items)

    async def SearchCatalogItems(self, request, context):  # type: ignore[no-untyped-def]
        if request.page_size < 0 or request.page_size > MAX_PAGE:
            raise InvalidArgument(f"page_size is 0 to {MAX_PAGE}", field="page_size")
        if request.tier and request.tier not in TIER_NAMES:
            raise InvalidArgument("unknown tier", field="tier")
        offset, limit = _offset(request.page_token), request.page_size or 100
        criteria = catalog_service.Search(
            tier=TIER_NAMES.get(request.tier),
            department=request.department_code or None,
            category=request.category_code or None,
            q=request.query[:100] or None,
            limit=limit,
            offset=offset,
        )
        async with transaction(self._rt.sessions) as session:
            items, total = await catalog_service.search(session, criteria)
        more = offset + len(items) < total
        return city_center_pb2.SearchCatalogItemsResponse(
            items=items, total_size=total, next_page_token=str(offset + limit) if more else ""
        )

    async def GetCatalogItem(self, request, context):  # type: ignore[no-untyped-def]
        if not request.code:
            raise InvalidArgument("code is required", field="code")
        async with transaction(self._rt.sessions) as session:
            item, status = await catalog_service.get_published(
                session, request.code, request.version or None
            )
        return city_center_pb2.GetCatalogItemResponse(item=item, status=status)

    async def GetItemDisclosure(self, request, context):  # type: ignore[no-untyped-def]
        if not request.code:
            raise InvalidArgument("code is required", field="code")
        async with transaction(self._rt.sessions) as session:
            item, _status = await catalog_service.get_published(session, request.code)
        return city_center_pb2.GetItemDisclosureResponse(
            disclosure=disclosure.disclose(item, request.language or "zh")
        )

    async def ListDepartments(self, request, context):  # type: ignore[no-untyped-def]
        async with transaction(self._rt.sessions) as session:
            departments = await stationing.departments(session)
        return city_center_pb2.ListDepartmentsResponse(departments=departments)

    async def AssessFee(self, request, context):  # type: ignore[no-untyped-def]
        if not request.item_code:
            raise InvalidArgument("item_code is required", field="item_code")
        async with transaction(self._rt.sessions) as session:
            item, _status = await catalog_service.get_published(
                session, request.item_code, request.item_version or None
            )
        return city_center_pb2.AssessFeeResponse(assessment=fees.assess(item, units=request.units))
