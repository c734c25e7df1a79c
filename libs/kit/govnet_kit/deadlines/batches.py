"""The sweep: due cases taken in batches, each batch one transaction. SELECT ... FOR UPDATE SKIP
LOCKED on their case rows (PostgreSQL; SQLite has one writer), the lock a decision also takes,
and each case's status and clock checked again under that lock, so a decision and the default
racing at the deadline end in exactly one outcome, and two replicas never apply one default
twice (each takes the due cases the other has not locked).

A batch's transaction holds the audit chain's head once for all its entries, rather than once
per case: 10,000 defaults due at midnight are a few dozen transactions, not 10,000. The tier's
rule takes its own locks (the document sequences) before the head, which its entries take
last: the lock order rule every path that numbers a document follows, so a batch and a staff
decision never deadlock. A batch that fails is rolled back and its cases applied one by one,
so one bad case (a poison case) fails alone and the others are applied; it stays due and is
tried alone in the next sweeps.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import transaction
from govnet_kit.deadlines.clocks import Clocks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """One tier's timeout default: its clocks, its case table, the statuses whose clock runs,
    and `apply`, what the default does to locked, running, overdue cases in one transaction
    (their clocks already stopped), returning for each whether it was deemed approved (True)
    or flagged (False)."""

    name: str
    clocks: Clocks
    case_model: Any
    running: frozenset[int]
    apply: Callable[[AsyncSession, Sequence[Any], datetime], Awaitable[Sequence[bool]]]


@dataclass
class SweepReport:
    deemed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    skipped: int = 0  # no longer running, or its clock moved on
    failed: list[str] = field(default_factory=list)  # case ids whose default failed: still due

    def add(self, other: SweepReport) -> None:
        self.deemed += other.deemed
        self.flagged += other.flagged
        self.skipped += other.skipped
        self.failed += other.failed


async def _apply_batch(
    sessions: async_sessionmaker[AsyncSession],
    rule: Rule,
    now: datetime,
    limit: int,
    taken: list[str],
    *,
    among: Collection[str] | None = None,
    excluding: Collection[str] = (),
) -> SweepReport:
    """One transaction: lock up to `limit` due cases (their ids put in `taken`, which the
    caller still has if the transaction fails), stop their clocks, apply the default to those
    still running and overdue."""
    report = SweepReport()
    async with transaction(sessions) as session:
        cases = await rule.clocks.lock_due(
            session, rule.case_model, now, limit, among=among, excluding=excluding
        )
        taken += [case.id for case in cases]
        stopped = await rule.clocks.stop_due(session, taken, now)
        cases = [case for case in cases if case.id in stopped]
        overdue = []
        for case in cases:
            if case.status in rule.running and case.deadline <= now:
                overdue.append(case)
            else:
                report.skipped += 1  # decided, suspended or withdrawn: the clock just goes
        report.skipped += len(taken) - len(cases)
        if overdue:
            deemed = await rule.apply(session, overdue, now)
            for case, was_deemed in zip(overdue, deemed, strict=True):
                (report.deemed if was_deemed else report.flagged).append(case.case_number)
    return report


async def _apply_alone(
    sessions: async_sessionmaker[AsyncSession], rule: Rule, now: datetime, case_id: str
) -> SweepReport:
    try:
        return await _apply_batch(sessions, rule, now, 1, [], among=[case_id])
    except Exception:  # noqa: BLE001 - one bad case must not stop the others
        log.exception(
            "%s timeout default failed for case %s; retried next sweep", rule.name, case_id
        )
        return SweepReport(failed=[case_id])


async def sweep(
    sessions: async_sessionmaker[AsyncSession],
    rule: Rule,
    *,
    now: datetime,
    batch: int = 200,
    batches: int | None = None,
    suspects: Collection[str] = (),
) -> SweepReport:
    """Apply the default to every case due at `now` that no other transaction holds, `batch`
    cases per transaction (at most `batches` transactions when given). A batch that fails is
    applied again case by case, so only the failing case fails; `suspects` (cases that failed
    before) are tried alone, first, and never put in a batch."""
    report = SweepReport()
    for case_id in suspects:
        report.add(await _apply_alone(sessions, rule, now, case_id))
    excluded = set(suspects)
    done = 0
    while batches is None or done < batches:
        done += 1
        taken: list[str] = []
        try:
            part = await _apply_batch(sessions, rule, now, batch, taken, excluding=excluded)
        except Exception:
            if not taken:
                raise  # nothing was taken: the database failed, not a case
            log.warning(
                "%s timeout default: a batch of %d failed; applying them one by one",
                rule.name,
                len(taken),
                exc_info=True,
            )
            part = SweepReport()
            for case_id in taken:  # rolled back: each alone, so only the failing one fails
                part.add(await _apply_alone(sessions, rule, now, case_id))
        report.add(part)
        excluded.update(part.failed)
        if len(taken) < batch:
            break  # nothing more is due that another transaction does not hold
    return report
