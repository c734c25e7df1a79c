"""Import of the whole catalog as YAML (everything) or CSV (the flat fields); `export.py`
writes the same formats.

An import is checked in full before anything is written: every problem is reported with its
row (the item's position, or the CSV line), its YAML line, the item code and the field. Then,
in the caller's one transaction, each changed item becomes a draft of its next version (or
updates the draft already open) and, if asked, is published. An item whose content equals the
version in force is left alone, so importing the same file twice changes nothing.

Versions: an item without `version` gets the next one when it changed. A `version` in the file
is kept (a restore keeps its numbers), and must then be the version in force with the same
content, or above every version there is.

CSV rows carry the flat fields of an item over the latest version (the draft, else the one in
force): an empty cell keeps that version's value. New items, materials, procedure and seasonal
settings need YAML.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.catalog import records, rules, stationing
from city_center.catalog import service as catalog_service
from city_center.catalog.models import DRAFT, PUBLISHED, Department, Item, StationedItem
from city_center.catalog.rules import Problem
from city_center.catalog.schemas import DepartmentSpec, ImportOut, ItemSpec
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit

FORMAT = "govnet-catalog/1"
Progress = Callable[[int, int], None]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The flat fields, in the CSV's column order.
CSV_COLUMNS = [
    "code",
    "version",
    "name_zh",
    "name_en",
    "department",
    "category",
    "deciding_tier",
    "handling",
    "joint_departments",
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
    "double_default_date",
    "law_excludes_default",
    "online_application",
    "town_online_submission",
    "sample_values",
]


@dataclass
class _Row:
    data: Any
    row: int
    line: int | None = None


@dataclass
class _Parsed:
    departments: list[_Row] = field(default_factory=list)
    items: list[_Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _State:
    """What the database holds for one item code."""

    latest: int = 0
    in_force: catalog_pb2.CatalogItem | None = None
    draft: Item | None = None


# -- reading files -----------------------------------------------------------------------------


def _parse_yaml(text: str) -> _Parsed:
    out = _Parsed()
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        out.problems.append(Problem("file", f"not valid YAML: {exc}", "YAML 格式错误", line=line))
        return out
    if data is None:
        return out
    if not isinstance(data, dict):
        out.problems.append(Problem("file", "the file is a mapping with items", "文件格式错误"))
        return out
    unknown = set(data) - {"format", "departments", "items"}
    if unknown:
        out.problems.append(Problem("file", f"unknown keys {sorted(unknown)}", "文件含不认识的键"))
    if data.get("format", FORMAT) != FORMAT:
        out.problems.append(Problem("format", f"expected {FORMAT}", f"格式应为 {FORMAT}"))
    lines = {key.value: value for key, value in node.value}
    for key, target in (("departments", out.departments), ("items", out.items)):
        values = data.get(key) or []
        if not isinstance(values, list):
            out.problems.append(Problem(key, "must be a list", "应为列表"))
            continue
        nodes = getattr(lines.get(key), "value", [])
        for i, value in enumerate(values):
            line = nodes[i].start_mark.line + 1 if i < len(nodes) else None
            target.append(_Row(value, i + 1, line))
    return out


def _csv_value(column: str, cell: str) -> Any:
    if column == "handling":
        pairs = [p.split(":", 1) for p in cell.split()]
        return {p[0]: p[1] if len(p) == 2 else "" for p in pairs}
    if column == "joint_departments":
        return cell.split()
    return cell


def _parse_csv(text: str) -> _Parsed:
    out = _Parsed()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown or "code" not in header:
        out.problems.append(
            Problem(
                "header",
                f"unknown columns {unknown}" if unknown else "a code column is required",
                "表头有误",
                row=1,
            )
        )
        return out
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        extra = row.get(None)  # type: ignore[call-overload]
        if extra:
            out.problems.append(
                Problem("row", "more cells than columns", "单元格多于表头", row=reader.line_num)
            )
        out.items.append(_Row(cells, reader.line_num))
    return out


# -- import ------------------------------------------------------------------------------------


async def _states(session: AsyncSession, codes: Iterable[str]) -> dict[str, _State]:
    states: dict[str, _State] = {}
    codes = sorted(set(codes))
    for start in range(0, len(codes), 500):
        for row in await session.scalars(
            select(Item).where(Item.code.in_(codes[start : start + 500]))
        ):
            state = states.setdefault(row.code, _State())
            state.latest = max(state.latest, row.version)
            if row.status == PUBLISHED:
                state.in_force = catalog_pb2.CatalogItem.FromString(row.record)
            elif row.status == DRAFT:
                state.draft = row
    return states


def _csv_spec(r: _Row, state: _State) -> tuple[ItemSpec | None, list[Problem]]:
    """A CSV row laid over the latest version of its item."""
    where = {"row": r.row, "code": r.data.get("code") or None}
    base = state.draft and catalog_pb2.CatalogItem.FromString(state.draft.record)
    base = base or state.in_force
    data: dict[str, Any] = records.to_spec(base, with_version=False).model_dump() if base else {}
    for column, cell in r.data.items():
        if cell:
            data[column] = _csv_value(column, cell)
    return rules.parse(data, **where)


def _check_version(spec: ItemSpec, state: _State, where: dict[str, Any]) -> list[Problem]:
    if spec.version is None or spec.version > state.latest:
        return []
    if state.draft is not None and spec.version == state.draft.version:
        return []
    if state.in_force is not None and spec.version == state.in_force.version:
        same = records.content_of(records.to_record(spec)) == records.content_of(state.in_force)
        if same:
            return []
    return [
        Problem(
            "version",
            f"version {spec.version} is frozen; omit the version or use one above {state.latest}",
            f"第 {spec.version} 版已冻结；请省略版本号或使用大于 {state.latest} 的版本号",
            **where,
        )
    ]


async def import_catalog(
    session: AsyncSession,
    text: str,
    *,
    fmt: str = "yaml",
    publish: bool = False,
    actor: str,
    progress: Progress | None = None,
) -> ImportOut:
    """Check the whole file, then write it; raises CatalogInvalid with every problem found."""
    parsed = _parse_yaml(text) if fmt == "yaml" else _parse_csv(text)
    problems = parsed.problems
    departments: list[DepartmentSpec] = []
    seen_departments: set[str] = set()
    for r in parsed.departments:
        try:
            spec = DepartmentSpec.model_validate(r.data)
        except ValidationError as exc:
            for p in rules.from_validation_error(exc, row=r.row, line=r.line):
                p.field = f"department.{p.field}"
                problems.append(p)
            continue
        if spec.code in seen_departments:
            problems.append(
                Problem(
                    "department.code",
                    "listed twice",
                    "部门重复",
                    row=r.row,
                    line=r.line,
                    code=spec.code,
                )
            )
        seen_departments.add(spec.code)
        departments.append(spec)
    known = await catalog_service.department_codes(session) | seen_departments

    def code_of(r: _Row) -> str:
        return str(r.data.get("code") or "") if isinstance(r.data, dict) else ""

    stationed = [c for d in departments for c in d.stationed_items]
    states = await _states(session, [code_of(r) for r in parsed.items] + stationed)
    specs: list[tuple[ItemSpec, _State]] = []
    seen_items: dict[str, str] = {}
    for r in parsed.items:
        where = {"row": r.row, "line": r.line, "code": code_of(r) or None}
        state = states.get(code_of(r), _State())
        if fmt == "csv":
            spec, found = _csv_spec(r, state)
        else:
            spec, found = rules.parse(r.data, **where)
        problems += found
        if spec is None:
            continue
        problems += rules.check(spec, known, **where)
        problems += _check_version(spec, state, where)
        if spec.code in seen_items:
            problems.append(Problem("code", "the item is listed twice", "事项重复", **where))
        seen_items[spec.code] = spec.department
        specs.append((spec, state))
    problems += _check_stationed(departments, parsed.departments, seen_items, states)
    if problems:
        raise rules.CatalogInvalid(problems)
    return await _apply(
        session, departments, specs, publish=publish, actor=actor, progress=progress, known=known
    )


def _check_stationed(
    departments: list[DepartmentSpec],
    rows: list[_Row],
    file_items: dict[str, str],
    states: dict[str, _State],
) -> list[Problem]:
    problems = []
    lines = {r.row: r.line for r in rows}
    for row, d in enumerate(departments, 1):
        for i, code in enumerate(d.stationed_items):
            state = states.get(code)
            owner = file_items.get(code) or (
                state.in_force.department_code if state and state.in_force else None
            )
            if owner != d.code or not d.stationed:
                problems.append(
                    Problem(
                        f"department.stationed_items[{i}]",
                        f"{code} is not an item of a stationed department {d.code}",
                        "进驻事项应属于已进驻的本部门",
                        row=row,
                        line=lines.get(row),
                        code=d.code,
                    )
                )
    return problems


async def _apply(
    session: AsyncSession,
    departments: list[DepartmentSpec],
    specs: list[tuple[ItemSpec, _State]],
    *,
    publish: bool,
    actor: str,
    progress: Progress | None,
    known: set[str],
) -> ImportOut:
    # One query each for what the departments touch, rather than one per department.
    known_rows = {d.code: d for d in await session.scalars(select(Department))}
    stationed = {s.item_code: s for s in await session.scalars(select(StationedItem))}
    changed = [
        d.code
        for d in departments
        if await stationing.put_department(
            session, spec=d, actor=actor, record=False, known=known_rows, stationed=stationed
        )
    ]
    await session.flush()
    out = ImportOut(
        items=len(specs), created=[], unchanged=[], published=[], departments=len(departments)
    )
    for done, (spec, state) in enumerate(specs, 1):
        record = records.to_record(spec)
        if (
            state.in_force is not None
            and state.draft is None
            and spec.version in (None, state.in_force.version)
            and records.content_of(record) == records.content_of(state.in_force)
        ):
            out.unchanged.append(spec.code)
        else:
            record.version = spec.version or (
                state.draft.version if state.draft is not None else state.latest + 1
            )
            draft = state.draft
            if draft is not None and draft.version != record.version:
                await session.delete(draft)  # the file names a higher version
                await session.flush()
                draft = None
            out.created.append(f"{spec.code}@{record.version}")
            if publish:  # straight from the file: a draft would live for a moment only
                await catalog_service.publish(
                    session, record=record, actor=actor, departments=known, audited=False
                )
                out.published.append(f"{spec.code}@{record.version}")
            else:
                await _write_draft(session, record, draft)
        if progress is not None:
            progress(done, len(specs))
    await audit.append(
        session,
        actor=actor,
        action="catalog.imported",
        data={
            "items": out.items,
            "versions": out.created,
            "published": len(out.published),
            "departments": out.departments,
            "departments_changed": changed,
        },
    )
    await session.flush()
    return out


async def _write_draft(
    session: AsyncSession, record: catalog_pb2.CatalogItem, draft: Item | None
) -> None:
    department = await session.get(Department, record.department_code)
    assert department is not None  # checked
    record.department_name_zh, record.department_name_en = department.name_zh, department.name_en
    row = draft or Item(code=record.code, version=record.version, status=DRAFT)
    catalog_service.write_record(row, record)
    session.add(row)
    await session.flush()
