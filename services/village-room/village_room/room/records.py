"""What every village service record shares: found only at its own place; links to a visit."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from govnet_kit.db import Base, utcnow
from govnet_kit.errors import InvalidArgument, NotFound
from govnet_kit.worktime import SHANGHAI
from village_room.visit import service as visit_service
from village_room.visit.models import Visit

T = TypeVar("T", bound=Base)


async def get_at_place(
    session: AsyncSession, model: type[T], record_id: str, *, place_code: str, what_zh: str
) -> T:
    row = await session.get(model, record_id)
    if row is None or row.place_code != place_code:  # type: ignore[attr-defined]
        raise NotFound(
            f"no {model.__tablename__} {record_id} at {place_code}",
            message_zh=f"本服务室无此{what_zh}：{record_id}",
            field="id",
        )
    return row


async def settle_visit(
    session: AsyncSession,
    *,
    visit_id: str | None,
    place_code: str,
    outcome: str,
    staff_id: str,
    case_number: str | None = None,
) -> Visit | None:
    """The visit this record came from, if any, gets the record's outcome in the register."""
    if visit_id is None:
        return None
    visit = await visit_service.get_for_place(session, visit_id=visit_id, place_code=place_code)
    return await visit_service.settle(
        session, visit=visit, outcome=outcome, staff_id=staff_id, case_number=case_number
    )


async def applicants_here(
    session: AsyncSession, ids: list[str], *, place_code: str, field: str
) -> None:
    for applicant_id in ids:
        await visit_service.require_applicant_here(
            session, applicant_id=applicant_id, place_code=place_code, field=field
        )


def not_in_future(day: date, *, field: str) -> None:
    if day > utcnow().astimezone(SHANGHAI).date():
        raise InvalidArgument(
            f"{day.isoformat()} is in the future", message_zh="日期不能晚于今天", field=field
        )
