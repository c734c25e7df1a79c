"""Durable case clocks and the timeout-default sweep (超时默认, L5), written once for every
tier that decides cases; each tier supplies only its rule: what deemed consent does there.

A clock is a row (one per running clock, none for a stopped or finished one), so it survives
restarts and any replica may sweep. The sweep reads only rows that are due, through the index
on `due_at`, so its cost grows with the cases due, not with all cases. Each due case is taken
with SELECT ... FOR UPDATE SKIP LOCKED on its case row (PostgreSQL; SQLite has one writer) —
the lock a decision also takes — and its status is checked again under that lock, so a
decision and the default racing at the deadline end in exactly one outcome, and two replicas
never apply one default twice. Lock order is always the case row, then its timer, in every
path (decide, suspend, withdraw, sweep), so they never deadlock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
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

    async def due(self, session: AsyncSession, now: datetime, limit: int) -> list[str]:
        rows = await session.scalars(
            select(self.timer.case_id)
            .where(self.timer.due_at <= now)
            .order_by(self.timer.due_at)
            .limit(limit)
        )
        return list(rows.all())

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


async def record_outcome(
    session: AsyncSession,
    *,
    case: Any,
    verdict: Verdict,
    responsible: dict[str, str],
    now: datetime,
    document: str = "",
) -> None:
    """The audit entry of a default or an overdue flag; responsibility lies with the window and
    its department (L5), named in `responsible`."""
    if verdict.deemed:
        action = "case.deemed_approved"
        data = {
            **responsible,
            "document": document,
            "basis": verdict.basis,
            "deadline": case.deadline.isoformat(),
        }
    else:
        action, data = "case.overdue_flagged", {"kind": verdict.kind, **responsible}
    await audit.append(
        session, actor=ACTOR, action=action, case_number=case.case_number, data=data, at=now
    )


# -- the sweep -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One tier's timeout default: its clocks, its case table, the statuses whose clock runs,
    and `apply`, what the default does to one locked, running, overdue case (True when it is
    deemed approved, False when it is flagged)."""

    name: str
    clocks: Clocks
    case_model: Any
    running: frozenset[int]
    apply: Callable[[AsyncSession, Any, datetime], Awaitable[bool]]


@dataclass
class SweepReport:
    deemed: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    skipped: int = 0  # busy (being decided right now) or no longer running


async def sweep(
    sessions: async_sessionmaker[AsyncSession], rule: Rule, *, now: datetime, batch: int = 200
) -> SweepReport:
    """Apply the default to every case due at `now`, one transaction per case."""
    report = SweepReport()
    async with sessions() as session:
        due = await rule.clocks.due(session, now, batch)
    case_model, timer = rule.case_model, rule.clocks.timer
    for case_id in due:
        try:
            async with transaction(sessions) as session:
                case = await session.scalar(
                    select(case_model)
                    .where(case_model.id == case_id)
                    .with_for_update(**skip_locked(session))
                )
                row = await session.get(timer, case_id, populate_existing=True)
                if case is None or row is None or row.due_at > now:
                    report.skipped += 1  # being decided right now, or no longer due
                    continue
                await session.delete(row)
                if case.status not in rule.running or case.deadline > now:
                    report.skipped += 1
                    continue
                deemed = await rule.apply(session, case, now)
        except Exception:  # noqa: BLE001 - one bad case must not stop the others
            log.exception(
                "%s timeout default failed for case %s; retried next sweep", rule.name, case_id
            )
            continue
        (report.deemed if deemed else report.flagged).append(case.case_number)
    return report


# Another sweep the same loop runs after the defaults (the city's joint meetings): returns
# whether it changed anything.
AlsoSweep = Callable[[async_sessionmaker[AsyncSession], datetime], Awaitable[bool]]


class Sweeper:
    """The background loop: sleeps until the next clock runs out (at most `poll` seconds, so
    clocks armed by other replicas are seen), then sweeps. `on_applied` runs after anything
    was applied (the runtime's wake-up of its outbox relay)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        rule: Rule,
        *,
        poll: float = 1.0,
        clock: Callable[[], datetime] = utcnow,
        on_applied: Callable[[], None] = lambda: None,
        also: Sequence[AlsoSweep] = (),
    ):
        self._sessions = sessions
        self._rule = rule
        self._poll = poll
        self._clock = clock
        self._on_applied = on_applied
        self._also = tuple(also)

    async def run(self) -> None:
        while True:
            report = SweepReport()
            try:
                report = await sweep(self._sessions, self._rule, now=self._clock())
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
