"""The sweep's background loop, and the gauges of how far behind it is."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import utcnow
from govnet_kit.deadlines.batches import Rule, SweepReport, sweep
from govnet_kit.deadlines.clocks import Clocks
from govnet_kit.metrics import Source

log = logging.getLogger(__name__)

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
