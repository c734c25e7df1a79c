"""The timeout default at the city (超时默认, L5): a window that has not decided by the deadline
is deemed to consent, for items of a department that adopted the double default and that the
law does not exclude; otherwise the overdue case is flagged to the supervisor.

The clocks, the sweep safe with several replicas and its loop are the kit's
(govnet_kit.deadlines); this module is the city's rule: a deemed approval is a decision of the
case's department, numbered in its document sequence, and the joint meetings' absence default
(L6) runs in the same loop.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from city_center.case import flags, joint, timers
from city_center.case import service as case_service
from city_center.case.models import CityCase
from city_center.catalog import service as catalog_service
from govnet.common.v1 import case_pb2
from govnet_kit import deadlines
from govnet_kit.db import utcnow
from govnet_kit.deadlines import REASON_CODE, SweepReport

__all__ = ["REASON_CODE", "SweepReport", "Sweeper", "rule", "sweep"]

RUNNING = frozenset({case_pb2.CASE_STATUS_PENDING_DECISION, case_pb2.CASE_STATUS_IN_REVIEW})


async def _defaults(
    session: AsyncSession, cases: Sequence[CityCase], now: datetime, place: str
) -> list[bool]:
    """Apply the default to locked, running, overdue cases (their clocks stopped) in one
    transaction; for each, True when deemed approved."""
    items = deadlines.Items(
        lambda case: catalog_service.get_version(session, case.item_code, case.item_version)
    )
    verdicts = [deadlines.verdict(await items.of(case)) for case in cases]
    # Each department's numbers at once, its sequence row locked in code order.
    wanted = Counter(c.department_code for c, v in zip(cases, verdicts, strict=True) if v.deemed)
    numbers = {
        code: iter(await case_service.next_document_numbers(session, code, wanted[code]))
        for code in sorted(wanted)
    }
    outcomes = []
    for case, verdict in zip(cases, verdicts, strict=True):
        number = ""
        if verdict.deemed:
            number = next(numbers[case.department_code])
            document = deadlines.deemed_document(await items.of(case), case.case_number, number)
            await case_service.record_decision(
                session,
                case=case,
                status=case_pb2.CASE_STATUS_DEEMED_APPROVED,
                number=number,
                title=document.title,
                text=document.text,
                reason_code=REASON_CODE,
                legal_reason=verdict.basis,
                decided_by="",
                credential_id=document.credential_id,
                city_place_code=place,
                at=now,
                clock_stopped=True,
            )
        flags.raise_flag(
            session,
            case_id=case.id,
            case_number=case.case_number,
            kind=verdict.kind,
            department_code=case.department_code,
            responsible_staff_id=case.owner_staff_id,
            note=verdict.note,
            at=now,
        )
        responsible = {
            "responsible_department": case.department_code,
            "responsible_window_staff": case.owner_staff_id,
        }
        outcomes.append(deadlines.Outcome(case, verdict, responsible, number))
    await deadlines.record_outcomes(session, outcomes, now)
    return [verdict.deemed for verdict in verdicts]


def rule(city_place_code: str) -> deadlines.Rule:
    async def apply(session: AsyncSession, cases: Sequence[CityCase], now: datetime) -> list[bool]:
        return await _defaults(session, cases, now, city_place_code)

    return deadlines.Rule("city", timers.CLOCKS, CityCase, RUNNING, apply)


async def sweep(
    sessions: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    city_place_code: str,
    batch: int = 200,
) -> SweepReport:
    """Apply the default to every case due at `now`, `batch` cases per transaction."""
    return await deadlines.sweep(sessions, rule(city_place_code), now=now, batch=batch)


async def _joint_meetings(
    sessions: async_sessionmaker[AsyncSession], now: datetime, *, city_place_code: str
) -> bool:
    # Joint meetings whose opinion deadline passed: the absent are deemed to consent (L6).
    return bool(await joint.sweep(sessions, now=now, city_place_code=city_place_code))


class Sweeper(deadlines.Sweeper):
    """The city's loop: case clocks, then joint meetings past their opinion deadline."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        city_place_code: str,
        poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_applied: Callable[[], None] = lambda: None,
    ):
        super().__init__(
            sessions,
            rule(city_place_code),
            poll=poll,
            clock=clock,
            on_applied=on_applied,
            also=[partial(_joint_meetings, city_place_code=city_place_code)],
        )
