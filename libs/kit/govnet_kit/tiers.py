"""Tiers and how each handles an item: pure facts, importable without any table (a service's
metadata holds only its own tables)."""

from __future__ import annotations

from govnet.catalog.v1 import catalog_pb2
from govnet.common.v1 import case_pb2

TIER_NAMES = {
    case_pb2.TIER_VILLAGE: "village",
    case_pb2.TIER_TOWN: "town",
    case_pb2.TIER_CITY: "city",
}


def handling_at(item: catalog_pb2.CatalogItem, tier: int) -> int:
    """The item's handling at a tier (C3), or HANDLING_UNSPECIFIED if the tier does not accept it."""
    for h in item.handling:
        if h.tier == tier:
            return h.handling
    return catalog_pb2.HANDLING_UNSPECIFIED
