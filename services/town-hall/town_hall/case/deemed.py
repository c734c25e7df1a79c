"""The timeout default at the township (超时默认, L5): a window that has not decided one of the
township's own items by its deadline is deemed to consent — where the item's department adopted
the double default and the law does not exclude the item; otherwise the overdue case is flagged
to the supervisor. The same design as the city's (city_center/case/deemed.py).

Safe with several replicas and across restarts: the clock is a row (timers.py); each due case
is taken with SELECT ... FOR UPDATE SKIP LOCKED on its case row — the lock a decision also
takes — and its status is checked again under that lock, so one outcome wins.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.common.v1 import case_pb2
from govnet_kit import audit
from govnet_kit.db import skip_locked, transaction, utcnow
from town_hall.case import flags, timers
from town_hall.case.models import TownCase, TownDecision
from town_hall.case.service import _emit, machine_of
from town_hall.case.steps import item_of, next_document_number

log = logging.getLogger(__name__)

ACTOR = "system:deadline"
REASON_CODE = "timeout_default"
RUNNING = (
    case_pb2.CASE_STATUS_PENDING_DECISION,
    case_pb2.CASE_STATUS_ACCEPTED,
    case_pb2.CASE_STATUS_IN_REVIEW,
)


@dataclass
class SweepReport:
    deemed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    skipped: int = 0  # busy (being decided right now) or no longer running


def _flag(session: AsyncSession, case: TownCase, kind: str, note: str, at: datetime) -> None:
    session.add(
        flags.TownCaseFlag(
            case_id=case.id,
            case_number=case.case_number,
            township_code=case.township_code,
            kind=kind,
            department_code=case.department_code,
            window_code=case.window_code,
            responsible_staff_id=case.owner_staff_id,
            note=note,
            raised_at=at,
        )
    )


async def _default(session: AsyncSession, case: TownCase, now: datetime) -> str:
    """Apply the default to one locked, running, overdue case. Returns the flag kind."""
    item = await item_of(session, case)
    responsible = case.owner_staff_id
    if not item.double_default_document or item.law_excludes_default:
        kind = flags.OVERDUE_EXCLUDED if item.law_excludes_default else flags.OVERDUE_NO_DEFAULT
        _flag(
            session,
            case,
            kind,
            "法律排除超时默认 / the law excludes this item from the default"
            if item.law_excludes_default
            else "部门未实行超时默认 / the department has not adopted the default",
            now,
        )
        await audit.append(
            session,
            actor=ACTOR,
            action="case.overdue_flagged",
            case_number=case.case_number,
            data={
                "kind": kind,
                "department": case.department_code,
                "window": case.window_code,
                "window_staff": responsible,
            },
            at=now,
        )
        return kind

    number = await next_document_number(session, case.township_code, case.department_code)
    basis = f"{item.double_default_document}（{item.double_default_date}）"
    machine_of(case).move(case, case_pb2.CASE_STATUS_DEEMED_APPROVED)
    session.add(
        TownDecision(
            case_id=case.id,
            status=case.status,
            result_document_number=number,
            document_title=f"视为准予许可 / Deemed approved: {item.name_zh} / {item.name_en}"[:200],
            document_text=(
                f"办件 {case.case_number} 未在承诺时限内作出决定，依据 {basis} 实行的超时默认制度，"
                f"视为准予许可。文书编号 {number}。\n"
                f"Case {case.case_number} was not decided within the committed time limit; under "
                f"the timeout default adopted by {item.double_default_document} "
                f"({item.double_default_date}) it is deemed approved. Document {number}."
            ),
            reason_code=REASON_CODE,
            legal_reason=basis,
            department_code=case.department_code,
            decided_by="",
            credential_id=f"default:{item.double_default_document}"[:64],
            decided_at=now,
        )
    )
    _flag(session, case, flags.DEEMED_APPROVED, f"超时默认 {basis}", now)
    _emit(session, case, reason_code=REASON_CODE, result_document_number=number)
    await audit.append(
        session,
        actor=ACTOR,
        action="case.deemed_approved",
        case_number=case.case_number,
        data={
            # Responsibility lies with the window and its department (L5).
            "responsible_department": case.department_code,
            "responsible_window": case.window_code,
            "responsible_window_staff": responsible,
            "document": number,
            "basis": basis,
            "deadline": case.deadline.isoformat(),
        },
        at=now,
    )
    return flags.DEEMED_APPROVED


async def sweep(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, batch: int = 200
) -> SweepReport:
    """Apply the default to every case due at `now`, one transaction per case."""
    report = SweepReport()
    async with sessions() as session:
        due = await timers.due(session, now, batch)
    for case_id in due:
        try:
            async with transaction(sessions) as session:
                # Lock order: the case row, then its timer (as decide and suspend).
                case = await session.scalar(
                    select(TownCase)
                    .where(TownCase.id == case_id)
                    .with_for_update(**skip_locked(session))
                )
                timer = await session.get(timers.TownCaseTimer, case_id, populate_existing=True)
                if case is None or timer is None or timer.due_at > now:
                    report.skipped += 1  # being decided right now, or no longer due
                    continue
                await session.delete(timer)
                if case.status not in RUNNING or case.deadline > now:
                    report.skipped += 1
                    continue
                kind = await _default(session, case, now)
        except Exception:  # noqa: BLE001 - one bad case must not stop the others
            log.exception("timeout default failed for case %s; retried next sweep", case_id)
            continue
        (report.deemed if kind == flags.DEEMED_APPROVED else report.flagged).append(
            case.case_number
        )
    return report


class Sweeper:
    """The background loop: sleeps until the next clock runs out (at most `poll` seconds, so
    clocks armed by other replicas are seen), then sweeps."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_applied: Callable[[], None] = lambda: None,
    ):
        self._sessions = sessions
        self._poll = poll
        self._clock = clock
        self._on_applied = on_applied

    async def run(self) -> None:
        while True:
            report = SweepReport()
            try:
                report = await sweep(self._sessions, now=self._clock())
                if report.deemed or report.flagged:
                    log.info(
                        "township timeout default: %d deemed approved, %d flagged",
                        len(report.deemed),
                        len(report.flagged),
                    )
                    self._on_applied()
                async with self._sessions() as session:
                    nxt = await timers.next_due(session)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be briefly away
                log.exception("township deadline sweep failed; retrying")
                nxt = None
            wait = self._poll
            progressed = nxt is not None and report.deemed + report.flagged
            # A case that is busy or failing stays due: wait the poll, don't spin on it.
            if nxt is not None and (progressed or nxt > self._clock()):
                wait = min(self._poll, max((nxt - self._clock()) / timedelta(seconds=1), 0.0))
            await asyncio.sleep(max(wait, 0.01))
