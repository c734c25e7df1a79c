"""The timeout default at the township (超时默认, L5): a window that has not decided one of the
township's own items by its deadline is deemed to consent — where the item's department adopted
the double default and the law does not exclude the item; otherwise the overdue case is flagged
to the township's supervisors.

The clocks, the sweep safe with several replicas and its loop are the kit's
(govnet_kit.deadlines); this module is the township's rule: a deemed approval is stored as the
township's own decision, numbered in the township's sequence of the department, and flagged
against the window that held the case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.common.v1 import case_pb2
from govnet_kit import deadlines
from govnet_kit.db import utcnow
from govnet_kit.deadlines import REASON_CODE, SweepReport
from town_hall.case import flags, timers
from town_hall.case.models import TownCase, TownDecision
from town_hall.case.service import _emit, machine_of
from town_hall.case.steps import item_of, next_document_numbers

__all__ = ["REASON_CODE", "RULE", "SweepReport", "Sweeper", "sweep"]

RUNNING = frozenset(
    {
        case_pb2.CASE_STATUS_PENDING_DECISION,
        case_pb2.CASE_STATUS_ACCEPTED,
        case_pb2.CASE_STATUS_IN_REVIEW,
    }
)


async def _defaults(session: AsyncSession, cases: Sequence[TownCase], now: datetime) -> list[bool]:
    """Apply the default to locked, running, overdue cases (their clocks stopped) in one
    transaction; for each, True when deemed approved."""
    items = deadlines.Items(partial(item_of, session))
    verdicts = [deadlines.verdict(await items.of(case)) for case in cases]
    # Each sequence's numbers at once, its row locked in code order.
    wanted = Counter(
        (c.township_code, c.department_code)
        for c, v in zip(cases, verdicts, strict=True)
        if v.deemed
    )
    numbers = {
        key: iter(await next_document_numbers(session, *key, wanted[key])) for key in sorted(wanted)
    }
    outcomes = []
    for case, verdict in zip(cases, verdicts, strict=True):
        number = ""
        if verdict.deemed:
            number = next(numbers[(case.township_code, case.department_code)])
            document = deadlines.deemed_document(await items.of(case), case.case_number, number)
            machine_of(case).move(case, case_pb2.CASE_STATUS_DEEMED_APPROVED)
            session.add(
                TownDecision(
                    case_id=case.id,
                    status=case.status,
                    result_document_number=number,
                    document_title=document.title,
                    document_text=document.text,
                    reason_code=REASON_CODE,
                    legal_reason=verdict.basis,
                    department_code=case.department_code,
                    decided_by="",
                    credential_id=document.credential_id,
                    decided_at=now,
                )
            )
            _emit(session, case, reason_code=REASON_CODE, result_document_number=number)
        session.add(
            flags.TownCaseFlag(
                case_id=case.id,
                case_number=case.case_number,
                township_code=case.township_code,
                kind=verdict.kind,
                department_code=case.department_code,
                window_code=case.window_code,
                responsible_staff_id=case.owner_staff_id,
                note=verdict.note,
                raised_at=now,
            )
        )
        responsible = {
            "responsible_department": case.department_code,
            "responsible_window": case.window_code,
            "responsible_window_staff": case.owner_staff_id,
        }
        outcomes.append(deadlines.Outcome(case, verdict, responsible, number))
    await deadlines.record_outcomes(session, outcomes, now)
    return [verdict.deemed for verdict in verdicts]


RULE = deadlines.Rule("township", timers.CLOCKS, TownCase, RUNNING, _defaults)


async def sweep(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, batch: int = 200
) -> SweepReport:
    """Apply the default to every case due at `now`, `batch` cases per transaction."""
    return await deadlines.sweep(sessions, RULE, now=now, batch=batch)


class Sweeper(deadlines.Sweeper):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_applied: Callable[[], None] = lambda: None,
    ):
        super().__init__(sessions, RULE, poll=poll, clock=clock, on_applied=on_applied)
