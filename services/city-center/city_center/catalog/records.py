"""Between an item specification (files, JSON) and the contract's CatalogItem record."""

from __future__ import annotations

from datetime import date

from city_center.catalog.schemas import ItemSpec, MaterialSpec, SeasonalSpec
from city_center.catalog.vocabulary import (
    CATEGORIES,
    FORM_NAMES,
    FORMS,
    HANDLING_NAMES,
    HANDLINGS,
    SEASONAL_MODE_NAMES,
    SEASONAL_MODES,
    TIER_NAMES,
    TIER_RANK,
    TIERS,
)
from govnet.catalog.v1 import catalog_pb2

# Fields copied one to one, with the same name on both sides.
_PLAIN = (
    "code",
    "name_zh",
    "name_en",
    "legal_basis_zh",
    "legal_basis_en",
    "time_limit_days",
    "extension_days",
    "fee_basis_zh",
    "fee_basis_en",
    "fee_fen",
    "fee_per_unit_fen",
    "fee_unit_zh",
    "fee_unit_en",
    "fee_note_zh",
    "fee_note_en",
    "window_phone",
    "complaint_phone",
    "double_default_document",
    "law_excludes_default",
    "online_application",
    "town_online_submission",
    "sample_values",
)


def to_record(spec: ItemSpec, *, version: int | None = None) -> catalog_pb2.CatalogItem:
    record = catalog_pb2.CatalogItem(
        version=version or spec.version or 0,
        department_code=spec.department,
        category_code=spec.category,
        deciding_tier=TIERS[spec.deciding_tier],
        procedure_zh=spec.procedure_zh,
        procedure_en=spec.procedure_en,
        joint_department_codes=spec.joint_departments,
        double_default_date=spec.double_default_date.isoformat()
        if spec.double_default_date
        else "",
        **{name: getattr(spec, name) for name in _PLAIN},
    )
    for tier in sorted(spec.handling, key=TIER_RANK.__getitem__):
        record.handling.add(tier=TIERS[tier], handling=HANDLINGS[spec.handling[tier]])
    for m in spec.materials:
        record.materials.add(
            code=m.code,
            name_zh=m.name_zh,
            name_en=m.name_en,
            form=FORMS[m.form],
            count=m.count,
            notes_zh=m.notes_zh,
            notes_en=m.notes_en,
        )
    if spec.seasonal is not None and spec.seasonal.mode != "none":
        s = spec.seasonal
        record.seasonal.CopyFrom(
            catalog_pb2.Seasonal(
                mode=SEASONAL_MODES[s.mode],
                months=s.months,
                reception_weekdays=s.reception_weekdays,
                slot_times=s.slot_times,
                slot_capacity=s.slot_capacity,
                note_zh=s.note_zh,
                note_en=s.note_en,
            )
        )
    category = CATEGORIES.get(spec.category)
    if category is not None:
        record.category_name_zh, record.category_name_en = category.name_zh, category.name_en
    return record


def to_spec(record: catalog_pb2.CatalogItem, *, with_version: bool = True) -> ItemSpec:
    seasonal = None
    if record.HasField("seasonal") and record.seasonal.mode:
        s = record.seasonal
        seasonal = SeasonalSpec(
            mode=SEASONAL_MODE_NAMES[s.mode],  # type: ignore[arg-type]
            months=list(s.months),
            reception_weekdays=list(s.reception_weekdays),
            slot_times=list(s.slot_times),
            slot_capacity=s.slot_capacity,
            note_zh=s.note_zh,
            note_en=s.note_en,
        )
    return ItemSpec.model_validate(
        {
            **{name: getattr(record, name) for name in _PLAIN},
            "version": record.version if with_version and record.version else None,
            "department": record.department_code,
            "category": record.category_code,
            "deciding_tier": TIER_NAMES[record.deciding_tier],
            "handling": {TIER_NAMES[h.tier]: HANDLING_NAMES[h.handling] for h in record.handling},
            "joint_departments": list(record.joint_department_codes),
            "materials": [
                MaterialSpec(
                    code=m.code,
                    name_zh=m.name_zh,
                    name_en=m.name_en,
                    form=FORM_NAMES[m.form],  # type: ignore[arg-type]
                    count=m.count,
                    notes_zh=m.notes_zh,
                    notes_en=m.notes_en,
                )
                for m in record.materials
            ],
            "procedure_zh": list(record.procedure_zh),
            "procedure_en": list(record.procedure_en),
            "double_default_date": date.fromisoformat(record.double_default_date)
            if record.double_default_date
            else None,
            "seasonal": seasonal,
        }
    )


def content_of(record: catalog_pb2.CatalogItem) -> bytes:
    """What a version says, without its number and the names copied from other tables."""
    bare = catalog_pb2.CatalogItem()
    bare.CopyFrom(record)
    for name in ("version", "department_name_zh", "department_name_en"):
        bare.ClearField(name)
    return bare.SerializeToString(deterministic=True)


def accepting_tiers(record: catalog_pb2.CatalogItem) -> str:
    return "|" + "|".join(TIER_NAMES[h.tier] for h in record.handling) + "|"
