"""The applicant's public look-up at the city (issue 8): case number and the query code from
the acceptance slip. The code arrives with the escalation and is kept only as a keyed hash, so
the city's database holds nothing that answers a guess. A wrong code answers exactly like an
unknown number (no oracle), and failures per case number are limited as at the village."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from city_center.case import hand_over
from city_center.case.models import CaseDecision, CityCase
from city_center.catalog import service as catalog_service
from govnet_kit.errors import NotFound
from govnet_kit.pii import lookup_hash
from govnet_kit.ratelimit import FailureLimiter

LOOKUP_LIMIT = {"limit": 10, "window": 600.0}  # the village's budget
HASH_CONTEXT = "city_case.query_code"


def query_code_hash(query_code: str) -> str:
    # Codes are case-insensitive on the slip, as at the village.
    return lookup_hash(query_code.strip().upper(), context=HASH_CONTEXT)


def stored_hash(query_code: str) -> str | None:
    """What `city_case` keeps; None for a transfer without a code (it cannot be looked up)."""
    return query_code_hash(query_code) if query_code.strip() else None


def limiter() -> FailureLimiter:
    return FailureLimiter(**LOOKUP_LIMIT)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PublicCase:
    """What the slip's holder may see: no name, identity number or material."""

    case_number: str
    item_code: str
    item_name_zh: str
    item_name_en: str
    status: int
    department_code: str
    department_name_zh: str
    department_name_en: str
    deadline: datetime
    # The clock (L2): stopped while suspended, with the working days it had left.
    clock_stopped: bool
    remaining_days: int | None
    result_document_number: str
    # An online case's result at the city: where to collect it, then that it was handed over.
    collection: hand_over.Collection


async def find(
    session: AsyncSession, case_number: str, query_code: str, *, limiter: FailureLimiter
) -> PublicCase:
    limiter.check(case_number)
    case = await session.scalar(select(CityCase).where(CityCase.case_number == case_number))
    given = query_code_hash(query_code)
    stored = (case.query_code_hash if case is not None else None) or ""
    # A case escalated without a code (stored empty) cannot be looked up: never equal.
    if case is None or not stored or not hmac.compare_digest(stored, given):
        limiter.failed(case_number)
        raise NotFound(
            "no case with this number and query code", message_zh="办件编号或查询码不正确"
        )
    item = await catalog_service.get_version(session, case.item_code, case.item_version)
    decision = await session.get(CaseDecision, case.id)
    return PublicCase(
        case_number=case.case_number,
        item_code=case.item_code,
        item_name_zh=item.name_zh,
        item_name_en=item.name_en,
        status=case.status,
        department_code=case.department_code,
        department_name_zh=item.department_name_zh,
        department_name_en=item.department_name_en,
        deadline=case.deadline,
        clock_stopped=case.suspended_at is not None,
        remaining_days=case.remaining_days if case.suspended_at is not None else None,
        result_document_number=decision.result_document_number if decision else "",
        collection=hand_over.collection(case, decision, item),
    )
