"""The fee of an application, assessed from a catalog version (C6, "one window collects").

A pure function of the record, so every tier assesses the same fee from its own replica,
offline: the city from its catalog, the township and the village from `catalog_replica`.
Collection, receipts and waivers build on it (govnet_kit.fee_records).
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
