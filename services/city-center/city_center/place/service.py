"""Registering and keeping the service places (T3 "a registered place and hours", issue 8).

Codes follow the statistical division codes the tiers already use (2-2-2-3-3 digits): a
township's code is its nine digits and 000 and lies in the city (341102101000 in 3411...); a
village's is its township's nine digits and three of its own (341102101201). A village belongs
to a registered, active township; a township with active villages is not deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.place.models import TOWN, VILLAGE, Place
from city_center.place.schemas import PlacePatch, PlaceSpec
from city_center.supervision.dependencies import jurisdiction
from govnet_kit import audit
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound

EDITABLE = ("name_zh", "name_en", "address_zh", "address_en", "hours_zh", "hours_en", "phone")


@dataclass(frozen=True)
class Filter:
    tier: str | None = None
    parent: str | None = None
    q: str | None = None  # in the code or a name
    active: bool | None = None


async def places(session: AsyncSession, where: Filter = Filter()) -> list[Place]:
    query = select(Place).order_by(Place.code)
    if where.tier:
        query = query.where(Place.tier == where.tier)
    if where.parent:
        query = query.where(Place.parent_code == where.parent)
    if where.active is not None:
        query = query.where(Place.active == where.active)
    if where.q:
        q = where.q.strip()
        query = query.where(
            or_(
                Place.code.startswith(q, autoescape=True),
                Place.name_zh.contains(q, autoescape=True),
                func.lower(Place.name_en).contains(q.lower(), autoescape=True),
            )
        )
    return list(await session.scalars(query))


async def get(session: AsyncSession, code: str) -> Place:
    place = await session.get(Place, code)
    if place is None:
        raise NotFound(
            f"no place {code} is registered", message_zh=f"未登记场所：{code}", field="code"
        )
    return place


async def register(session: AsyncSession, *, spec: PlaceSpec, city_code: str, actor: str) -> Place:
    """A new place, in force at once; a duplicate code is a 409."""
    parent = _parent_of(spec, city_code)
    if spec.tier == VILLAGE:
        await _check_township(session, parent)
    if await session.get(Place, spec.code) is not None:
        raise _taken(spec.code)
    place = Place(**spec.model_dump(exclude={"parent_code"}), parent_code=parent, active=True)
    session.add(place)
    try:
        await session.flush()
    except IntegrityError as exc:  # registered at the same moment by another request
        raise _taken(spec.code) from exc
    await audit.append(
        session,
        actor=actor,
        action="place.registered",
        data={"code": spec.code, "tier": spec.tier, "parent_code": parent},
    )
    return place


async def edit(session: AsyncSession, *, code: str, patch: PlacePatch, actor: str) -> Place:
    """Names, address, hours and phone; `active` goes through `set_active`'s checks."""
    place = await get(session, code)
    changed = [
        name
        for name in EDITABLE
        if getattr(patch, name) is not None and getattr(patch, name) != getattr(place, name)
    ]
    for name in changed:
        setattr(place, name, getattr(patch, name))
    if changed:
        place.updated_at = utcnow()
        await audit.append(
            session, actor=actor, action="place.changed", data={"code": code, "fields": changed}
        )
    if patch.active is not None:
        await set_active(session, code=code, active=patch.active, actor=actor)
    await session.flush()
    return place


async def set_active(session: AsyncSession, *, code: str, active: bool, actor: str) -> Place:
    """Deactivate (closed, merged) or reactivate a place; it stays registered either way."""
    place = await get(session, code)
    if place.active == active:
        return place
    if not active and place.tier == TOWN:
        villages = await places(session, Filter(parent=code, active=True))
        if villages:
            listed = ", ".join(v.code for v in villages[:5])
            raise Conflict(
                f"township {code} still has active villages ({listed}): deactivate them first",
                message_zh=f"乡镇 {code} 仍有在用的村（{listed}），请先停用这些村",
                field="active",
            )
    if active and place.tier == VILLAGE:
        await _check_township(session, place.parent_code, field="active", error=Conflict)
    place.active, place.updated_at = active, utcnow()
    await audit.append(
        session,
        actor=actor,
        action="place.reactivated" if active else "place.deactivated",
        data={"code": code},
    )
    await session.flush()
    return place


def _parent_of(spec: PlaceSpec, city_code: str) -> str:
    """The parent the code implies, once the code is checked for its tier."""
    level = len(jurisdiction(spec.code))
    if spec.tier == TOWN:
        city = jurisdiction(city_code)
        if level != 9 or not spec.code.startswith(city):
            raise InvalidArgument(
                f"a township's code is its nine digits then 000, in this city ({city}...), "
                "e.g. 341102101000",
                message_zh=f"乡镇代码应为本市（{city}开头）的9位乡镇码加000，如341102101000",
                field="code",
            )
        if spec.parent_code not in ("", city_code):
            raise InvalidArgument(
                f"a township belongs to the city {city_code}",
                message_zh=f"乡镇的上级是本市 {city_code}",
                field="parent_code",
            )
        return city_code
    if level != 12:
        raise InvalidArgument(
            "a village's code is its township's nine digits then three of its own, not 000, "
            "e.g. 341102101201",
            message_zh="村代码应为所属乡镇的9位码加3位村码（不为000），如341102101201",
            field="code",
        )
    parent = spec.parent_code or spec.code[:9] + "000"
    if parent[:9] != spec.code[:9] or parent[9:] != "000":
        raise InvalidArgument(
            f"village {spec.code} is not under township {parent}: its code starts with the "
            "township's nine digits",
            message_zh=f"村 {spec.code} 不属于乡镇 {parent}：村代码应以所属乡镇代码的前9位开头",
            field="parent_code",
        )
    return parent


async def _check_township(
    session: AsyncSession,
    code: str,
    *,
    field: str = "parent_code",
    error: type[InvalidArgument | Conflict] = InvalidArgument,
) -> None:
    township = await session.get(Place, code)
    if township is None or township.tier != TOWN or not township.active:
        state = "not registered" if township is None else "not an active township"
        raise error(
            f"the village's township {code} is {state}: register or reactivate it first",
            message_zh=f"村所属乡镇 {code} 未登记或已停用，请先登记或恢复该乡镇",
            field=field,
        )


def _taken(code: str) -> Conflict:
    return Conflict(
        f"place {code} is already registered", message_zh=f"场所 {code} 已登记", field="code"
    )
