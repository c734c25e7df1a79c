"""Publishing, withdrawing and reading a township hall's public notices (T2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit import audit
from govnet_kit.auth import Principal
from govnet_kit.db import utcnow
from govnet_kit.errors import Conflict, InvalidArgument, NotFound, PermissionDenied
from town_hall.notice.models import EDITOR_ROLE, KIND_CODES, KINDS, PHONE_KINDS, TownNotice

KIND_NAMES = {k: (zh, en) for k, zh, en in KINDS}
_TOWNSHIP = re.compile(r"^\d{9}000$")


def require_township_code(place_code: str) -> str:
    """A township's division code: 12 digits ending in 000, but not a county's or city's."""
    if not _TOWNSHIP.match(place_code) or place_code.endswith("000000"):
        raise InvalidArgument(
            f"{place_code[:20]!r} is not a township's 12-digit division code",
            message_zh="乡镇区划代码应为以 000 结尾的 12 位数字",
            field="place_code",
        )
    return place_code


def require_editor(staff: Principal, township_code: str) -> None:
    """The township's own staff holding the notice editor's role (A2, least privilege)."""
    staff.require_staff(tier="town")
    staff.require_place(township_code)
    if not staff.has_role(EDITOR_ROLE):
        raise PermissionDenied(
            f"publishing notices needs the role {EDITOR_ROLE}",
            message_zh="发布公告须有公告管理权限",
        )


@dataclass(frozen=True)
class NoticeData:
    kind: str
    title_zh: str
    title_en: str
    body_zh: str = ""
    body_en: str = ""
    phone: str = ""


async def publish(
    session: AsyncSession, *, township_code: str, staff: Principal, data: NoticeData
) -> TownNotice:
    require_editor(staff, township_code)
    if data.kind in PHONE_KINDS and not data.phone:
        raise InvalidArgument(
            "a phone notice gives the number", message_zh="请填写电话号码", field="phone"
        )
    notice = TownNotice(
        township_code=township_code,
        kind=data.kind,
        title_zh=data.title_zh,
        title_en=data.title_en,
        body_zh=data.body_zh,
        body_en=data.body_en,
        phone=data.phone,
        published_by=staff.subject,
        published_at=utcnow(),
    )
    session.add(notice)
    await session.flush()
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="notice.published",
        data={"notice": notice.id, "township": township_code, "kind": data.kind},
    )
    return notice


async def withdraw(
    session: AsyncSession, *, township_code: str, notice_id: str, staff: Principal
) -> TownNotice:
    require_editor(staff, township_code)
    notice = await session.get(TownNotice, notice_id)
    if notice is None or notice.township_code != township_code:
        raise NotFound(f"no notice {notice_id}", message_zh="无此公告", field="notice_id")
    if notice.withdrawn_at is not None:
        raise Conflict("the notice is already withdrawn", message_zh="该公告已撤下")
    notice.withdrawn_at = utcnow()
    notice.withdrawn_by = staff.subject
    await audit.append(
        session,
        actor=f"staff:{staff.subject}",
        action="notice.withdrawn",
        data={"notice": notice.id, "township": township_code, "kind": notice.kind},
    )
    return notice


async def in_force(
    session: AsyncSession, township_code: str, kind: str | None = None
) -> list[TownNotice]:
    """The notices the public sees: in the order of KINDS, the latest first within a kind."""
    query = select(TownNotice).where(
        TownNotice.township_code == township_code, TownNotice.withdrawn_at.is_(None)
    )
    if kind:
        query = query.where(TownNotice.kind == kind)
    rows = list((await session.scalars(query.order_by(TownNotice.published_at.desc()))).all())
    return sorted(rows, key=lambda n: KIND_CODES.index(n.kind) if n.kind in KIND_CODES else 99)
