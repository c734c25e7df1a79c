"""The fee standard as the catalog discloses it (C6).

The assessment itself lives in the kit (govnet_kit.fees), so every tier assesses the same fee
from its own copy of the catalog; it is re-exported here for the city's callers.
"""

from __future__ import annotations

from govnet.catalog.v1 import catalog_pb2
from govnet_kit.fees import MAX_UNITS, assess, yuan

__all__ = ["MAX_UNITS", "assess", "standard", "yuan"]


def standard(item: catalog_pb2.CatalogItem, language: str) -> str:
    """The fee standard as the public reads it (the seventh disclosure)."""
    zh = language == "zh"
    parts = []
    if item.fee_fen:
        parts.append(
            f"每件 {yuan(item.fee_fen)} 元" if zh else f"{yuan(item.fee_fen)} yuan per application"
        )
    if item.fee_per_unit_fen:
        parts.append(
            f"每{item.fee_unit_zh} {yuan(item.fee_per_unit_fen)} 元"
            if zh
            else f"{yuan(item.fee_per_unit_fen)} yuan per {item.fee_unit_en}"
        )
    text = (
        ("，另加" if zh else ", plus ").join(parts)
        if parts
        else ("不收费" if zh else "free of charge")
    )
    note = item.fee_note_zh if zh else item.fee_note_en
    return f"{text}{'。' if zh else '. '}{note}".strip() if note else text
