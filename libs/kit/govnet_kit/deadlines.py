"""Durable case clocks and the timeout-default sweep (超时默认, L5), written once for every
tier that decides cases; each tier supplies only its rule: what deemed consent does there.

A clock is a row (one per running clock, none for a stopped or finished one), so it survives
restarts and any replica may sweep. The sweep reads only rows that are due, through the index
on `due_at`, so its cost grows with the cases due, not with all cases. Due cases are taken in
batches, each batch one transaction: SELECT ... FOR UPDATE SKIP LOCKED on their case rows
(PostgreSQL; SQLite has one writer) — the lock a decision also takes — and each case's status
and clock are checked again under that lock, so a decision and the default racing at the
deadline end in exactly one outcome, and two replicas never apply one default twice (each
takes the due cases the other has not locked). Lock order is always the case row, then its
timer, in every path (decide, suspend, withdraw, sweep), so they never deadlock.

A batch's transaction holds the audit chain's head once for all its entries, rather than once
per case: 10,000 defaults due at midnight are a few dozen transactions, not 10,000. A batch
that fails is rolled back and its cases applied one by one, so one bad case (a poison case)
fails alone and the others are applied; it stays due and is tried alone in the next sweeps.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import ForeignKey, String, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from govnet.catalog.v1 import catalog_pb2
from govnet_kit import audit
from govnet_kit.db import skip_locked, transaction, utcnow
from govnet_kit.metrics import Source

log = logging.getLogger(__name__)

ACTOR = "system:deadline"
REASON_CODE = "timeout_default"
# What the supervisor is shown for an overdue case (the flag kinds every tier uses).
DEEMED_APPROVED = "deemed_approved"
OVERDUE_EXCLUDED = "overdue_excluded"  # the law excludes the item from the default
OVERDUE_NO_DEFAULT = "overdue_no_default"  # the department has not adopted the default


class Timer:
    """Mixin for a tier's clock table: `class CaseTimer(Timer, Base)` with `__tablename__`
    and `case_table`, the table of the cases it times."""

    case_table: ClassVar[str]

    @declared_attr
    def case_id(cls) -> Mapped[str]:
        return mapped_column(
            String(36), ForeignKey(f"{cls.case_table}.id", ondelete="CASCADE"), primary_key=True
        )

    due_at: Mapped[datetime] = mapped_column(index=True)
    armed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Clocks:
    """Start, move and stop the clocks of one timer table."""

    def __init__(self, timer: type[Timer]):
        self.timer = timer

    async def arm(self, session: AsyncSession, case: Any) -> None:
        """Start (or move) the case's clock to its deadline."""
        row = await session.get(self.timer, case.id)
        if row is None:
            session.add(self.timer(case_id=case.id, due_at=case.deadline))  # type: ignore[call-arg]
        else:
            row.due_at = case.deadline
            row.armed_at = utcnow()

    async def disarm(self, session: AsyncSession, case: Any) -> None:
        await session.execute(delete(self.timer).where(self.timer.case_id == case.id))

    async def lock_due(
        self,
        session: AsyncSession,
        case_model: Any,
        now: datetime,
        limit: int,
        *,
        among: Collection[str] | None = None,
        excluding: Collection[str] = (),
    ) -> list[Any]:
        """Lock up to `limit` cases whose clocks have run out, earliest first, skipping the
        cases another transaction holds (being decided, or another replica's batch); only
        those `among` the given ids when given, never those `excluding`. Returns the locked
        case rows as they are now (refreshed over any older copy in the session)."""
        timer = self.timer
        query = (
            select(case_model)
            .join(timer, timer.case_id == case_model.id)
            .where(timer.due_at <= now)
            .order_by(timer.due_at)
            .limit(limit)
            .with_for_update(of=case_model, **skip_locked(session))
            .execution_options(populate_existing=True)
        )
        if among is not None:
            query = query.where(case_model.id.in_(list(among)))
        if excluding:
            query = query.where(case_model.id.not_in(list(excluding)))
        return list((await session.scalars(query)).all())

    async def stop_due(
        self, session: AsyncSession, case_ids: Sequence[str], now: datetime
    ) -> set[str]:
        """Stop the clocks of these (locked) cases that are still due; returns their ids. A
        clock that moved on (suspended and resumed since it was read) is left running. On
        SQLite the delete is what takes the write lock, so it sees every committed sweep."""
        if not case_ids:
            return set()
        stopped = await session.scalars(
            delete(self.timer)
            .where(self.timer.case_id.in_(list(case_ids)), self.timer.due_at <= now)
            .returning(self.timer.case_id)
            .execution_options(synchronize_session=False)
        )
        return set(stopped)

    async def next_due(self, session: AsyncSession) -> datetime | None:
        return await session.scalar(select(self.timer.due_at).order_by(self.timer.due_at).limit(1))


# -- what the default decides, the same at every tier ----------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Deemed approved where the department adopted the double default and the law does not
    exclude the item; otherwise a flag to the supervisor, with the reason."""

    kind: str
    note: str
    basis: str = ""  # the department's document adopting the default, and its date

    @property
    def deemed(self) -> bool:
        return self.kind == DEEMED_APPROVED


def verdict(item: catalog_pb2.CatalogItem) -> Verdict:
    if item.law_excludes_default:
        return Verdict(
            OVERDUE_EXCLUDED, "法律排除超时默认 / the law excludes this item from the default"
        )
    if not item.double_default_document:
        return Verdict(
            OVERDUE_NO_DEFAULT, "部门未实行超时默认 / the department has not adopted the default"
        )
    basis = f"{item.double_default_document}（{item.double_default_date}）"
    return Verdict(DEEMED_APPROVED, f"超时默认 {basis}", basis)


@dataclass(frozen=True)
class DeemedDocument:
    title: str
    text: str
    credential_id: str  # in place of a credential: the document that adopted the default


def deemed_document(item: catalog_pb2.CatalogItem, case_number: str, number: str) -> DeemedDocument:
    """The result document of a deemed approval, in both languages."""
    basis = verdict(item).basis
    return DeemedDocument(
        title=f"视为准予许可 / Deemed approved: {item.name_zh} / {item.name_en}"[:200],
        text=(
            f"办件 {case_number} 未在承诺时限内作出决定，依据 {basis} 实行的超时默认制度，"
            f"视为准予许可。文书编号 {number}。\n"
            f"Case {case_number} was not decided within the committed time limit; under "
            f"the timeout default adopted by {item.double_default_document} "
            f"({item.double_default_date}) it is deemed approved. Document {number}."
        ),
        credential_id=f"default:{item.double_default_document}"[:64],
    )


@dataclass(frozen=True)
class Outcome:
    """What the default did to one case, for its audit entry: `responsible` names the window
    and its department (L5); `document` is the deemed approval's number, if any."""

    case: Any
    verdict: Verdict
    responsible: dict[str, str]
    document: str = ""


def _outcome_record(outcome: Outcome, now: datetime) -> audit.Record:
    """The audit entry of a default or an overdue flag."""
    case, verdict = outcome.case, outcome.verdict
    if verdict.deemed:
        action = "case.deemed_approved"
        data = {
            **outcome.responsible,
            "document": outcome.document,
            "basis": verdict.basis,
            "deadline": case.deadline.isoformat(),
        }
    else:
        action, data = "case.overdue_flagged", {"kind": verdict.kind, **outcome.responsible}
    return audit.Record(actor=ACTOR, action=action, case_number=case.case_number, data=data, at=now)


async def record_outcomes(
    session: AsyncSession, outcomes: Sequence[Outcome], now: datetime
) -> None:
    """The audit entries of a batch of defaults and flags, one per case, under one lock of
    the chain's head."""
    await audit.append_many(session, [_outcome_record(o, now) for o in outcomes])


class Items:
    """The catalog versions a batch's cases were accepted under, each looked up once per
    batch (a version, once published, does not change)."""

    def __init__(self, look_up: Callable[[Any], Awaitable[catalog_pb2.CatalogItem]]):
        self._look_up = look_up  # a case's item version, as the tier reads it
        self._items: dict[tuple[str, int], catalog_pb2.CatalogItem] = {}

    async def of(self, case: Any) -> catalog_pb2.CatalogItem:
        key = (case.item_code, case.item_version)
        if key not in self._items:
            self._items[key] = await self._look_up(case)
        return self._items[key]


# -- the sweep -------------------------------------------------------------------------------


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


# Another sweep the same loop runs after the defaults (the city's joint meetings): returns
# whether it changed anything.
AlsoSweep = Callable[[async_sessionmaker[AsyncSession], datetime], Awaitable[bool]]


class Sweeper:
    """The background loop: sleeps until the next clock runs out (at most `poll` seconds, so
    clocks armed by other replicas are seen), then sweeps, at most `batches` transactions of
    `batch` cases before it looks again (and runs `also`). `on_applied` runs after anything was
    applied (the runtime's wake-up of its outbox relay, whose idle poll may find the events
    sooner). A case whose default failed is tried alone in the next sweeps."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        rule: Rule,
        *,
        poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_applied: Callable[[], None] = lambda: None,
        also: Sequence[AlsoSweep] = (),
        batch: int = 200,
        batches: int = 5,
    ):
        self._sessions = sessions
        self._rule = rule
        self._batch = batch
        self._batches = batches
        self._suspects: list[str] = []
        self._poll = poll
        self._clock = clock
        self._on_applied = on_applied
        self._also = tuple(also)

    async def run(self) -> None:
        while True:
            report = SweepReport()
            try:
                report = await sweep(
                    self._sessions,
                    self._rule,
                    now=self._clock(),
                    batch=self._batch,
                    batches=self._batches,
                    suspects=self._suspects,
                )
                self._suspects = report.failed
                for other in self._also:
                    if await other(self._sessions, self._clock()):
                        self._on_applied()
                if report.deemed or report.flagged:
                    log.info(
                        "%s timeout default: %d deemed approved, %d flagged",
                        self._rule.name,
                        len(report.deemed),
                        len(report.flagged),
                    )
                    self._on_applied()
                async with self._sessions() as session:
                    nxt = await self._rule.clocks.next_due(session)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be briefly away
                log.exception("%s deadline sweep failed; retrying", self._rule.name)
                nxt = None
            wait = self._poll
            progressed = nxt is not None and report.deemed + report.flagged
            # A case that is busy or failing stays due: wait the poll, don't spin on it.
            if nxt is not None and (progressed or nxt > self._clock()):
                wait = min(self._poll, max((nxt - self._clock()) / timedelta(seconds=1), 0.0))
            await asyncio.sleep(max(wait, 0.01))


# -- metrics ---------------------------------------------------------------------------------


def metrics_source(sessions: async_sessionmaker[AsyncSession], clocks: Clocks) -> Source:
    """The clocks running, those run out and not yet swept, and how late the oldest of them
    is: the sweep's lag, which should stay under a second (bench/timeout_default.py)."""
    timer = clocks.timer

    async def collect() -> list[Metric]:
        now = utcnow()
        async with sessions() as session:
            running, due, oldest = (
                await session.execute(
                    select(
                        func.count(),
                        func.count().filter(timer.due_at <= now),
                        func.min(timer.due_at),
                    )
                )
            ).one()
        if oldest is not None and oldest.tzinfo is None:  # SQLite aggregates come back naive
            oldest = oldest.replace(tzinfo=now.tzinfo)
        lag = max((now - oldest).total_seconds(), 0.0) if due and oldest is not None else 0.0
        return [
            GaugeMetricFamily(
                "govnet_deadline_clocks_running", "Case clocks running (timer rows).", value=running
            ),
            GaugeMetricFamily(
                "govnet_deadline_clocks_due",
                "Clocks that have run out and wait for the timeout-default sweep.",
                value=due,
            ),
            GaugeMetricFamily(
                "govnet_deadline_sweep_lag_seconds",
                "How long the oldest run-out clock has waited for the sweep; 0 when none.",
                value=lag,
            ),
        ]

    return Source("deadlines", collect)
