"""What the supervisor must look at (S1): defaults applied, overdue items the law excludes
from the default, overdue items of a department without one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from govnet_kit.db import Base, new_id, utcnow

DEEMED_APPROVED = "deemed_approved"
OVERDUE_EXCLUDED = "overdue_excluded"  # the law excludes the item from the default
OVERDUE_NO_DEFAULT = "overdue_no_default"  # the department has not adopted the default
JOINT_DISAGREEMENT = "joint_disagreement"  # the lead department coordinates, then decides
KINDS = (DEEMED_APPROVED, OVERDUE_EXCLUDED, OVERDUE_NO_DEFAULT, JOINT_DISAGREEMENT)


class CaseFlag(Base):
    __tablename__ = "case_flag"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("city_case.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    department_code: Mapped[str] = mapped_column(String(50), index=True)
    # The window staff who owned the case when the clock ran out (responsibility, L5).
    responsible_staff_id: Mapped[str] = mapped_column(String(36), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)


def raise_flag(
    session: AsyncSession,
    *,
    case_id: str,
    case_number: str,
    kind: str,
    department_code: str,
    responsible_staff_id: str,
    note: str,
    at: datetime,
) -> CaseFlag:
    flag = CaseFlag(
        case_id=case_id,
        case_number=case_number,
        kind=kind,
        department_code=department_code,
        responsible_staff_id=responsible_staff_id,
        note=note,
        raised_at=at,
    )
    session.add(flag)
    return flag


async def listing(
    session: AsyncSession, *, kind: str | None, department_code: str | None, limit: int = 200
) -> list[CaseFlag]:
    query = select(CaseFlag).order_by(CaseFlag.raised_at.desc()).limit(limit)
    if kind:
        query = query.where(CaseFlag.kind == kind)
    if department_code:
        query = query.where(CaseFlag.department_code == department_code)
    return list((await session.scalars(query)).all())
