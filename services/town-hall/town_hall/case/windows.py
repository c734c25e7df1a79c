"""The hall's windows and which items each one handles (T2): a case lands at the window of its
item's category, else of its department, else at the general window.

A township that has set up no windows of its own gets the plan's layout: one window per
township category (finance, family planning, health, household registration, civil affairs,
agriculture and forestry, water, urban construction, industry and commerce, land, agency
items) and a general window.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet.catalog.v1 import catalog_pb2
from govnet_kit.db import Base

GENERAL = "general"


class TownWindow(Base):
    __tablename__ = "town_window"

    township_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    category_codes: Mapped[list[str]] = mapped_column(JSON)
    department_codes: Mapped[list[str]] = mapped_column(JSON)


@dataclass(frozen=True)
class Window:
    code: str
    name_zh: str
    name_en: str
    category_codes: tuple[str, ...] = ()
    department_codes: tuple[str, ...] = ()


def _w(code: str, zh: str, en: str) -> Window:
    return Window(code, zh, en, category_codes=(code,))


DEFAULT_LAYOUT = (
    _w("finance", "财政窗口", "Finance window"),
    _w("family_planning", "计划生育窗口", "Family planning window"),
    _w("health", "卫生窗口", "Health window"),
    _w("household_registration", "户籍窗口", "Household registration window"),
    _w("civil_affairs", "民政窗口", "Civil affairs window"),
    _w("agriculture_forestry", "农林窗口", "Agriculture and forestry window"),
    _w("water", "水利窗口", "Water window"),
    _w("urban_construction", "城建窗口", "Urban construction window"),
    _w("industry_commerce", "工商窗口", "Industry and commerce window"),
    _w("land", "国土窗口", "Land window"),
    _w("agency", "代办窗口", "Agency items window"),
    Window(GENERAL, "综合窗口", "General window"),
)


async def layout(session: AsyncSession, township_code: str) -> list[Window]:
    rows = await session.scalars(
        select(TownWindow)
        .where(TownWindow.township_code == township_code)
        .order_by(TownWindow.code)
    )
    configured = [
        Window(
            r.code,
            r.name_zh,
            r.name_en,
            tuple(r.category_codes or ()),
            tuple(r.department_codes or ()),
        )
        for r in rows
    ]
    return configured or list(DEFAULT_LAYOUT)


def pick(windows: list[Window], item: catalog_pb2.CatalogItem) -> str:
    if item.category_code:
        for w in windows:
            if item.category_code in w.category_codes:
                return w.code
    for w in windows:
        if item.department_code in w.department_codes:
            return w.code
    return GENERAL


async def route(session: AsyncSession, township_code: str, item: catalog_pb2.CatalogItem) -> str:
    """The window a case of this item lands at in this township."""
    return pick(await layout(session, township_code), item)


async def replace(session: AsyncSession, township_code: str, windows: list[Window]) -> None:
    """The township's own layout, replacing the one before; a general window is always there,
    so a case of an item no window names still lands somewhere."""
    await session.execute(delete(TownWindow).where(TownWindow.township_code == township_code))
    if GENERAL not in {w.code for w in windows}:
        windows = [*windows, DEFAULT_LAYOUT[-1]]
    for w in windows:
        session.add(
            TownWindow(
                township_code=township_code,
                code=w.code,
                name_zh=w.name_zh,
                name_en=w.name_en,
                category_codes=list(w.category_codes),
                department_codes=list(w.department_codes),
            )
        )
    await session.flush()
