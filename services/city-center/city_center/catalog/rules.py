"""Validation of items beyond field types: every problem is collected, none stops the check.

An import reports all its problems at once, each with the item's row (and YAML line), code
and field, so an administrator fixes a file in one pass rather than one error per attempt.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError

from city_center.catalog.schemas import ItemSpec
from city_center.catalog.vocabulary import (
    CATEGORIES,
    DECIDING_HANDLINGS,
    LOWER_HANDLING,
    TIER_RANK,
)
from govnet_kit.errors import InvalidArgument


@dataclass
class Problem:
    field: str
    message: str
    message_zh: str
    row: int | None = None  # 1-based: the item's position in a file, or the CSV line
    line: int | None = None  # YAML: the line where the item starts
    code: str | None = None  # the item's (or department's) code, when known

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.code:
            where.append(self.code)
        return f"{', '.join(where) or 'item'}: {self.field}: {self.message}"


class CatalogInvalid(InvalidArgument):
    """Every problem found, in the HTTP body as `errors` (422) and in the gRPC detail."""

    def __init__(self, problems: list[Problem]):
        first = problems[0]
        super().__init__(
            f"{len(problems)} error(s); first: {first}",
            message_zh=f"共 {len(problems)} 处错误；第一处：{first.field}：{first.message_zh}",
            field=first.field if len(problems) == 1 else None,
        )
        self.problems = problems

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "errors": [p.to_dict() for p in self.problems]}


def field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "item"


_ZH = {
    "missing": "必填项缺失",
    "extra_forbidden": "不认识的字段",
    "string_pattern_mismatch": "格式不正确",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "literal_error": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "bool_parsing": "应为是或否（true/false）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
}


def from_validation_error(exc: ValidationError, **where: Any) -> list[Problem]:
    return [
        Problem(
            field=field_path(err["loc"]),
            message=err["msg"],
            message_zh=_ZH.get(err["type"], "取值无效"),
            **where,
        )
        for err in exc.errors()
    ]


def parse(data: Any, **where: Any) -> tuple[ItemSpec | None, list[Problem]]:
    if not isinstance(data, dict):
        return None, [Problem("item", "an item must be a mapping", "每个事项应为键值对", **where)]
    try:
        return ItemSpec.model_validate(data), []
    except ValidationError as exc:
        return None, from_validation_error(exc, **where)


def check(spec: ItemSpec, departments: Collection[str], **where: Any) -> list[Problem]:
    """The rules of C1, C3, C5 and L5 that one field's type cannot say."""
    problems: list[Problem] = []

    def bad(field: str, message: str, message_zh: str) -> None:
        problems.append(Problem(field, message, message_zh, **{"code": spec.code, **where}))

    if spec.department not in departments:
        bad("department", f"no department {spec.department}", f"无此部门：{spec.department}")
    if spec.category and spec.category not in CATEGORIES:
        bad(
            "category",
            f"unknown category {spec.category}; one of {', '.join(CATEGORIES)}",
            f"无此类别：{spec.category}",
        )
    _check_handling(spec, departments, bad)
    if len(spec.procedure_en) != len(spec.procedure_zh):
        bad("procedure_en", "needs one step per Chinese step", "英文步骤应与中文步骤一一对应")
    seen: set[str] = set()
    for i, m in enumerate(spec.materials):
        if m.code in seen:
            bad(f"materials[{i}].code", f"material {m.code} listed twice", "材料编码重复")
        seen.add(m.code)
    if spec.fee_per_unit_fen and not (spec.fee_unit_zh and spec.fee_unit_en):
        bad(
            "fee_unit_zh",
            "a per-unit fee needs its unit in both languages",
            "按件收费须写明计费单位",
        )
    if spec.double_default_date and not spec.double_default_document:
        bad("double_default_document", "a date without a document", "有发文日期却无文号")
    if spec.double_default_document and not spec.double_default_date:
        bad("double_default_date", "the document's date is required", "须填写双默认文件的发文日期")
    if spec.town_online_submission and not (
        spec.deciding_tier == "city" and "town" in spec.handling
    ):
        bad(
            "town_online_submission",
            "only a city item accepted by townships can be submitted online by them",
            "仅限乡镇受理的市级事项",
        )
    _check_seasonal(spec, bad)
    return problems


def _check_handling(spec: ItemSpec, departments: Collection[str], bad: Any) -> None:
    deciding = spec.handling.get(spec.deciding_tier)
    if deciding not in DECIDING_HANDLINGS:
        bad(
            f"handling.{spec.deciding_tier}",
            "the deciding tier handles the item direct, commitment or joint",
            "决定层级的办理方式应为即办、承诺或联办",
        )
    for tier, handling in spec.handling.items():
        if TIER_RANK[tier] < TIER_RANK[spec.deciding_tier]:
            bad(
                f"handling.{tier}",
                f"the {tier} tier is above the deciding tier",
                "受理层级不能高于决定层级",
            )
        elif TIER_RANK[tier] > TIER_RANK[spec.deciding_tier] and handling != LOWER_HANDLING[tier]:
            bad(
                f"handling.{tier}",
                f"below the deciding tier the {tier} handles it as {LOWER_HANDLING[tier]}",
                "下级受理的办理方式应为帮办（乡镇）或代办（村）",
            )
    if deciding == "joint" and not spec.joint_departments:
        bad("joint_departments", "a joint item names its departments", "联办件须列明联办部门")
    if deciding != "joint" and spec.joint_departments:
        bad("joint_departments", "only joint items have joint departments", "仅联办件有联办部门")
    for i, code in enumerate(spec.joint_departments):
        if code not in departments or code == spec.department:
            bad(f"joint_departments[{i}]", f"not another department: {code}", "联办部门无效")
    if deciding in ("commitment", "joint") and spec.time_limit_days < 1:
        bad(
            "time_limit_days",
            "a commitment or joint item needs a time limit",
            "承诺时限至少1个工作日",
        )
    if spec.extension_days and deciding not in ("commitment", "joint"):
        bad("extension_days", "only commitment and joint items extend", "即办件不能延期")


def _check_seasonal(spec: ItemSpec, bad: Any) -> None:
    s = spec.seasonal
    if s is None:
        return
    for name in ("months", "reception_weekdays", "slot_times"):
        values = getattr(s, name)
        if len(set(values)) != len(values):
            bad(f"seasonal.{name}", "a value is listed twice", "取值重复")
    if s.mode == "none" and (s.months or s.reception_weekdays or s.slot_times or s.slot_capacity):
        bad("seasonal.mode", "settings given but no seasonal mode", "有季节性设置却未选方式")
    if s.mode == "fixed_reception_days" and not s.reception_weekdays:
        bad("seasonal.reception_weekdays", "name the reception days", "须设定接待日")
    if s.mode == "appointment":
        if not s.slot_times:
            bad("seasonal.slot_times", "appointments need slot times", "预约服务须设定时段")
        if s.slot_capacity < 1:
            bad(
                "seasonal.slot_capacity", "appointments need a capacity", "预约服务须设定每时段名额"
            )
    elif s.slot_times or s.slot_capacity:
        bad("seasonal.slot_times", "slots are for appointments only", "仅预约服务设定时段")
