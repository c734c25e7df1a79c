"""The "seven disclosures" of an item, in Chinese or English, shaped for a reader (C2, L5).

Items, legal basis, materials, procedure, time limit, fee basis and fee standard, plus the
double default: whether the department adopted it (document and date) and whether the law
excludes the item from it.
"""

from __future__ import annotations

from city_center.catalog import fees
from city_center.catalog.vocabulary import (
    FORM_LABELS,
    FORM_NAMES,
    HANDLING_LABELS,
    HANDLING_NAMES,
    SEASONAL_LABELS,
    SEASONAL_MODE_NAMES,
    TIER_LABELS,
    TIER_NAMES,
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
)
from govnet.catalog.v1 import catalog_pb2
from govnet_kit.errors import InvalidArgument

LANGUAGES = ("zh", "en")
HEADINGS = {
    "items": ("办理事项", "Item"),
    "legal_basis": ("法律依据", "Legal basis"),
    "materials": ("申报材料", "Required materials"),
    "procedure": ("办事程序", "Procedure"),
    "time_limit": ("承诺时限", "Committed time limit"),
    "fee_basis": ("收费依据", "Fee basis"),
    "fee_standard": ("收费标准", "Fee standard"),
    "double_default": ("双默认（超时默认、缺席默认）", "Double default (timeout and absence)"),
}


def disclose(item: catalog_pb2.CatalogItem, language: str) -> catalog_pb2.Disclosure:
    if language not in LANGUAGES:
        raise InvalidArgument("language is zh or en", message_zh="语言应为 zh 或 en", field="lang")
    zh = language == "zh"

    def pick(pair: tuple[str, str]) -> str:
        return pair[0] if zh else pair[1]

    def section(key: str, text: str = "", lines: list[str] | None = None):  # type: ignore[no-untyped-def]
        return catalog_pb2.DisclosureSection(
            key=key, heading=pick(HEADINGS[key]), text=text, lines=lines or []
        )

    name = item.name_zh if zh else item.name_en
    department = item.department_name_zh if zh else item.department_name_en
    out = catalog_pb2.Disclosure(
        item_code=item.code,
        item_version=item.version,
        language=language,
        title=name,
        department=department,
        sections=[
            section("items", _item_text(item, zh), _handling_lines(item, zh)),
            section("legal_basis", item.legal_basis_zh if zh else item.legal_basis_en),
            section(
                "materials", "" if item.materials else pick(("无", "None")), _materials(item, zh)
            ),
            section("procedure", "", _steps(item, zh)),
            section("time_limit", _time_limit(item, zh)),
            section("fee_basis", item.fee_basis_zh if zh else item.fee_basis_en),
            section("fee_standard", fees.standard(item, language)),
        ],
        double_default=section("double_default", _double_default(item, zh)),
        double_default_adopted=bool(item.double_default_document),
        law_excludes_default=item.law_excludes_default,
        window_phone=item.window_phone,
        complaint_phone=item.complaint_phone,
    )
    if item.sample_values:
        out.sample_notice = (
            "本事项的承诺时限、收费和申报材料为示例数据，不是正式公布的标准。"
            if zh
            else "The time limit, fees and materials of this item are sample values, "
            "not an official schedule."
        )
    return out


def _item_text(item: catalog_pb2.CatalogItem, zh: bool) -> str:
    name = item.name_zh if zh else item.name_en
    department = item.department_name_zh if zh else item.department_name_en
    decided = TIER_LABELS[TIER_NAMES[item.deciding_tier]][0 if zh else 1]
    parts = [
        f"{name}（{item.code}，第{item.version}版），实施部门：{department}，决定机关所在：{decided}。"
        if zh
        else f"{name} ({item.code}, version {item.version}), by the {department}, "
        f"decided at the {decided}."
    ]
    if item.online_application:
        parts.append("可网上申请。" if zh else "Online application is possible.")
    seasonal = _seasonal(item, zh)
    if seasonal:
        parts.append(seasonal)
    return ("" if zh else " ").join(parts)


def _handling_lines(item: catalog_pb2.CatalogItem, zh: bool) -> list[str]:
    lines = []
    for h in item.handling:
        tier = TIER_LABELS[TIER_NAMES[h.tier]][0 if zh else 1]
        handling = HANDLING_LABELS[HANDLING_NAMES[h.handling]][0 if zh else 1]
        lines.append(f"{tier}：{handling}" if zh else f"{tier}: {handling}")
    return lines


def _materials(item: catalog_pb2.CatalogItem, zh: bool) -> list[str]:
    lines = []
    for i, m in enumerate(item.materials, 1):
        form = FORM_LABELS[FORM_NAMES[m.form]][0 if zh else 1]
        if zh:
            line = f"{i}. {m.name_zh}（{form}{m.count}份）"
            line += f"：{m.notes_zh}" if m.notes_zh else ""
        else:
            line = f"{i}. {m.name_en} ({form} × {m.count})"
            line += f": {m.notes_en}" if m.notes_en else ""
        lines.append(line)
    return lines


def _steps(item: catalog_pb2.CatalogItem, zh: bool) -> list[str]:
    return [f"{i}. {s}" for i, s in enumerate(item.procedure_zh if zh else item.procedure_en, 1)]


def _time_limit(item: catalog_pb2.CatalogItem, zh: bool) -> str:
    days = item.time_limit_days
    if zh:
        text = f"{days}个工作日" if days else "即时办结"
        if item.extension_days:
            text += f"；特殊情况可延长{item.extension_days}个工作日"
        return text
    text = f"{days} working day{'s' if days != 1 else ''}" if days else "decided on the spot"
    if item.extension_days:
        text += f"; may be extended by {item.extension_days} working days where needed"
    return text


def _double_default(item: catalog_pb2.CatalogItem, zh: bool) -> str:
    if item.law_excludes_default:
        return (
            "依法不适用超时默认：逾期未办结的，报电子监察处理。"
            if zh
            else "The law excludes deemed consent for this item: "
            "a case not decided in time goes to the supervisor."
        )
    if not item.double_default_document:
        return (
            "实施部门尚未发文实行双默认制度。" if zh else "The department has not adopted it yet."
        )
    return (
        f"实施部门已发文实行双默认制度（{item.double_default_document}，{item.double_default_date}）："
        "超过承诺时限未办理的，或联席讨论时缺席的，视为该窗口同意，责任由窗口及部门承担。"
        if zh
        else f"Adopted by the department ({item.double_default_document}, "
        f"{item.double_default_date}): a window that has not decided by the deadline, or is absent "
        "from a joint meeting, is deemed to consent; the window and the department answer for it."
    )


def _seasonal(item: catalog_pb2.CatalogItem, zh: bool) -> str:
    if not item.HasField("seasonal") or not item.seasonal.mode:
        return ""
    s = item.seasonal
    mode = SEASONAL_LABELS[SEASONAL_MODE_NAMES[s.mode]][0 if zh else 1]
    parts = [f"季节性事项，办理方式：{mode}" if zh else f"Seasonal item, received {mode}"]
    if s.months:
        months = "、".join(f"{m}月" for m in s.months) if zh else ", ".join(map(str, s.months))
        parts.append(f"办理月份：{months}" if zh else f"in months {months}")
    if s.reception_weekdays:
        days = (
            "、".join(f"星期{WEEKDAYS_ZH[d - 1]}" for d in s.reception_weekdays)
            if zh
            else ", ".join(WEEKDAYS_EN[d - 1] for d in s.reception_weekdays)
        )
        parts.append(f"接待日：{days}" if zh else f"on {days}")
    if s.slot_times:
        times = ("、" if zh else ", ").join(s.slot_times)
        parts.append(
            f"预约时段：{times}，每时段{s.slot_capacity}人"
            if zh
            else f"slots at {times}, {s.slot_capacity} applicants each"
        )
    note = s.note_zh if zh else s.note_en
    if note:
        parts.append(note)
    return ("，".join(parts) + "。") if zh else ("; ".join(parts) + ".")
