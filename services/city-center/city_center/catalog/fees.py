"""The fee of an application, assessed from the catalog version (C6, "one window collects").

A pure function of the record, so any tier assesses the same fee from its replica, offline.
Collection, receipts and waivers (with their recorded reason) build on it.
"""

from __future__ import annotations

from govnet.catalog.v1 import catalog_pb2
from govnet_kit.errors import InvalidArgument

MAX_UNITS = 100_000


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def assess(item: catalog_pb2.CatalogItem, *, units: int = 0) -> catalog_pb2.FeeAssessment:
    """fee_fen per application, plus fee_per_unit_fen for each unit (certificate, m³, ...)."""
    if units < 0 or units > MAX_UNITS:
        raise InvalidArgument(
            f"units must be between 0 and {MAX_UNITS}", message_zh="计费数量无效", field="units"
        )
    if units and not item.fee_per_unit_fen:
        raise InvalidArgument(
            f"item {item.code} has no per-unit fee", message_zh="该事项不按数量收费", field="units"
        )
    out = catalog_pb2.FeeAssessment(
        item_code=item.code,
        item_version=item.version,
        units=units,
        fee_basis_zh=item.fee_basis_zh,
        fee_basis_en=item.fee_basis_en,
        sample_values=item.sample_values,
    )
    if item.fee_fen:
        out.lines.add(label_zh="每件", label_en="per application", amount_fen=item.fee_fen)
    if item.fee_per_unit_fen and units:
        out.lines.add(
            label_zh=f"{units} × 每{item.fee_unit_zh} {yuan(item.fee_per_unit_fen)} 元",
            label_en=f"{units} × {yuan(item.fee_per_unit_fen)} yuan per {item.fee_unit_en}",
            amount_fen=units * item.fee_per_unit_fen,
        )
    out.amount_fen = sum(line.amount_fen for line in out.lines)
    return out


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
