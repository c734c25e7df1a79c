"""Departments and their stationing at the city center (C4).

"应进必进": every item in force that the city center accepts must be stationed at its
department's window. A department not stationed, or with such an item not stationed, is a gap
that supervisors see (the plan holds its head accountable).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.catalog.models import PUBLISHED, Department, Item, StationedItem
from city_center.catalog.schemas import DepartmentPatch, DepartmentSpec, StationingGap
from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit
from govnet_kit.errors import Conflict, InvalidArgument, NotFound


async def required_items(session: AsyncSession) -> dict[str, list[str]]:
    """department -> the codes of its items in force that the city center accepts."""
    rows = await session.execute(
        select(Item.department_code, Item.code)
        .where(Item.status == PUBLISHED, Item.accepting_tiers.contains("|city|"))
        .order_by(Item.code)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for department, code in rows:
        out[department].append(code)
    return out


async def stationed_items(session: AsyncSession) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in await session.scalars(select(StationedItem).order_by(StationedItem.item_code)):
        out[row.department_code].append(row.item_code)
    return out


async def departments(session: AsyncSession) -> list[catalog_pb2.Department]:
    required = await required_items(session)
    stationed = await stationed_items(session)
    return [
        catalog_pb2.Department(
            code=d.code,
            name_zh=d.name_zh,
            name_en=d.name_en,
            stationed=d.stationed,
            required_item_codes=required.get(d.code, []),
            stationed_item_codes=stationed.get(d.code, []),
        )
        for d in await session.scalars(select(Department).order_by(Department.code))
    ]


async def gaps(session: AsyncSession) -> list[StationingGap]:
    out = []
    stationed = await stationed_items(session)
    for d in await departments(session):
        missing = [c for c in d.required_item_codes if c not in set(stationed.get(d.code, []))]
        if missing or not d.stationed:
            out.append(
                StationingGap(
                    department_code=d.code,
                    name_zh=d.name_zh,
                    name_en=d.name_en,
                    department_stationed=d.stationed,
                    items_not_stationed=missing,
                )
            )
    return out


async def put_department(
    session: AsyncSession,
    *,
    spec: DepartmentSpec,
    actor: str,
    record: bool = True,
    known: dict[str, Department] | None = None,
    stationed: dict[str, StationedItem] | None = None,
) -> bool:
    """Create or update a department, and station the items the spec lists (imports, seed).

    Says whether anything changed. An import passes what it read in one query (`known`,
    `stationed`) and records one audit entry for all departments.
    """
    if known is None:  # a single department from the API: check what it says it stationed
        await _check_stationed_items(session, spec)
        known = {d.code: d for d in await session.scalars(select(Department))}
    if stationed is None:
        stationed = {s.item_code: s for s in await session.scalars(select(StationedItem))}
    department = known.get(spec.code)
    if department is None:
        department = Department(code=spec.code)
        session.add(department)
    changed = (department.name_zh, department.name_en, department.stationed) != (
        spec.name_zh,
        spec.name_en,
        spec.stationed,
    )
    department.name_zh, department.name_en = spec.name_zh, spec.name_en
    department.stationed = spec.stationed
    for code in dict.fromkeys(spec.stationed_items):
        changed |= _station(
            session, department=department.code, item_code=code, row=stationed.get(code)
        )
    if changed and record:
        await audit.append(
            session,
            actor=actor,
            action="catalog.department_put",
            data={"department": spec.code, "stationed": spec.stationed},
        )
    return changed


async def patch_department(
    session: AsyncSession, *, code: str, patch: DepartmentPatch, actor: str
) -> Department:
    department = await session.get(Department, code)
    if department is None:
        raise NotFound(f"no department {code}", message_zh=f"无此部门：{code}", field="code")
    for name in ("name_zh", "name_en", "stationed"):
        value = getattr(patch, name)
        if value is not None:
            setattr(department, name, value)
    await audit.append(
        session,
        actor=actor,
        action="catalog.department_changed",
        data={"department": code, **patch.model_dump(exclude_none=True, include={"stationed"})},
    )
    await session.flush()
    return department


async def _check_stationed_items(session: AsyncSession, spec: DepartmentSpec) -> None:
    if not spec.stationed_items:
        return
    required = (await required_items(session)).get(spec.code, [])
    wrong = [c for c in spec.stationed_items if c not in required]
    if wrong or not spec.stationed:
        raise InvalidArgument(
            f"not items in force of {spec.code} that the center accepts, or the department is "
            f"not stationed: {', '.join(wrong) or 'stationed is false'}",
            message_zh="进驻事项应为本部门在市中心受理的现行事项，且部门须已进驻",
            field="stationed_items",
        )


def _station(
    session: AsyncSession,
    *,
    department: str,
    item_code: str,
    row: StationedItem | None,
    window: str = "",
) -> bool:
    if row is not None and (row.department_code, row.window) == (department, window):
        return False
    if row is None:
        session.add(StationedItem(item_code=item_code, department_code=department, window=window))
    else:
        row.department_code, row.window = department, window
    return True


async def set_item_stationed(
    session: AsyncSession, *, item_code: str, stationed: bool, window: str, actor: str
) -> None:
    """Record that an item in force is (or is no longer) stationed at its department's window."""
    item = await session.scalar(
        select(Item).where(Item.code == item_code, Item.status == PUBLISHED)
    )
    if item is None:
        raise NotFound(f"no item {item_code} in force", message_zh="无此事项", field="item_code")
    if "|city|" not in item.accepting_tiers:
        raise InvalidArgument(
            f"item {item_code} is not accepted at the city center",
            message_zh="该事项不在市中心受理",
        )
    department = await session.get(Department, item.department_code)
    if stationed and (department is None or not department.stationed):
        raise Conflict(
            f"department {item.department_code} has no window at the center yet",
            message_zh="该部门尚未进驻中心",
        )
    if stationed:
        _station(
            session,
            department=item.department_code,
            item_code=item_code,
            row=await session.get(StationedItem, item_code),
            window=window,
        )
    else:
        row = await session.get(StationedItem, item_code)
        if row is not None:
            await session.delete(row)
    await audit.append(
        session,
        actor=actor,
        action="catalog.item_stationed" if stationed else "catalog.item_unstationed",
        data={"item_code": item_code, "department": item.department_code},
    )
    await session.flush()
