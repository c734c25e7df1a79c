"""The reads the city's pages need beyond the JSON API's: item names for a list of cases, the
materials a case arrived with (without their bytes), the meetings waiting for a department."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case.joint import PENDING, JointMeeting, JointOpinion
from city_center.case.models import CaseMaterial, CityCase
from city_center.catalog.models import DRAFT, PUBLISHED, Department, Item
from govnet_kit.errors import NotFound


async def item_names(session: AsyncSession, codes: set[str]) -> dict[str, tuple[str, str]]:
    """code -> (Chinese, English) name of the version in force."""
    if not codes:
        return {}
    rows = await session.execute(
        select(Item.code, Item.name_zh, Item.name_en).where(
            Item.code.in_(codes), Item.status == PUBLISHED
        )
    )
    return {code: (zh, en) for code, zh, en in rows.all()}


async def department_names(session: AsyncSession) -> dict[str, tuple[str, str]]:
    rows = await session.execute(select(Department.code, Department.name_zh, Department.name_en))
    return {code: (zh, en) for code, zh, en in rows.all()}


async def department_items(
    session: AsyncSession, department_code: str
) -> dict[str, tuple[str, str]]:
    """code -> (Chinese, English) name of the department's items in force, by code: what a
    delegation of the department may name."""
    rows = await session.execute(
        select(Item.code, Item.name_zh, Item.name_en)
        .where(Item.department_code == department_code, Item.status == PUBLISHED)
        .order_by(Item.code)
    )
    return {code: (zh, en) for code, zh, en in rows.all()}


async def materials(session: AsyncSession, case: CityCase) -> list[tuple[str, str, str]]:
    """(material code, file name, content type) of each file the case came up with."""
    rows = await session.execute(
        select(CaseMaterial.code, CaseMaterial.filename, CaseMaterial.content_type)
        .where(CaseMaterial.case_id == case.id)
        .order_by(CaseMaterial.code)
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def meetings_waiting_for(session: AsyncSession, department_code: str) -> list[CityCase]:
    """Open joint meetings in which this department has not given its opinion yet (L6)."""
    rows = await session.scalars(
        select(CityCase)
        .join(JointMeeting, JointMeeting.case_id == CityCase.id)
        .join(JointOpinion, JointOpinion.meeting_id == JointMeeting.id)
        .where(
            JointMeeting.closed_at.is_(None),
            JointOpinion.department_code == department_code,
            JointOpinion.opinion == PENDING,
        )
        .order_by(JointMeeting.opinion_deadline)
    )
    return list(rows.all())


async def draft(session: AsyncSession, code: str, version: int) -> Item:
    """A draft to edit or publish; a published or retired version is not one."""
    row = await session.get(Item, (code, version))
    if row is None or row.status != DRAFT:
        raise NotFound(
            f"no draft {code} v{version}",
            message_zh=f"无此草稿：{code} 第{version}版",
            field="version",
        )
    return row
