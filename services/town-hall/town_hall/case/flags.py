"""What the township's supervisors must look at (S1): defaults applied at the township, overdue
items the law excludes from the default, overdue items of a department without one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

DEEMED_APPROVED = "deemed_approved"
OVERDUE_EXCLUDED = "overdue_excluded"  # the law excludes the item from the default
OVERDUE_NO_DEFAULT = "overdue_no_default"  # the department has not adopted the default
KINDS = (DEEMED_APPROVED, OVERDUE_EXCLUDED, OVERDUE_NO_DEFAULT)


class TownCaseFlag(Base):
    __tablename__ = "town_case_flag"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("town_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    township_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    window_code: Mapped[str] = mapped_column(String(50), default="")
    # The window staff who owned the case when the clock ran out (responsibility, L5).
    responsible_staff_id: Mapped[str] = mapped_column(String(36), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)


async def listing(
    session: AsyncSession,
    *,
    township_code: str,
    kind: str | None = None,
    department_code: str | None = None,
    limit: int = 200,
) -> list[TownCaseFlag]:
    query = (
        select(TownCaseFlag)
        .where(TownCaseFlag.township_code == township_code)
        .order_by(TownCaseFlag.raised_at.desc())
        .limit(limit)
    )
    if kind:
        query = query.where(TownCaseFlag.kind == kind)
    if department_code:
        query = query.where(TownCaseFlag.department_code == department_code)
    return list((await session.scalars(query)).all())
