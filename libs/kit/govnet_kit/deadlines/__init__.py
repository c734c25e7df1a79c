"""Durable case clocks and the timeout-default sweep (超时默认, L5), written once for every
tier that decides cases; each tier supplies only its rule: what deemed consent does there.

- `clocks`: the timer rows, one per running clock, and the due cases locked for a sweep;
- `outcomes`: what the default decides (deemed approved, or flagged), its document, its audit
  entries;
- `batches`: the sweep, due cases in batches of one transaction each, safe with replicas and
  beside decisions;
- `sweeper`: the background loop, and the gauges of the sweep's lag.

Lock order, in every path: the case rows, then their clocks, then the tier's own rows (its
document sequences, in code order), and the audit chain's head last.
"""

from govnet_kit.deadlines.batches import Rule, SweepReport, sweep
from govnet_kit.deadlines.clocks import Clocks, Timer
from govnet_kit.deadlines.outcomes import (
    ACTOR,
    DEEMED_APPROVED,
    OVERDUE_EXCLUDED,
    OVERDUE_NO_DEFAULT,
    REASON_CODE,
    DeemedDocument,
    Items,
    Outcome,
    Verdict,
    deemed_document,
    record_outcomes,
    verdict,
)
from govnet_kit.deadlines.sweeper import AlsoSweep, Sweeper, metrics_source

__all__ = [
    "ACTOR",
    "DEEMED_APPROVED",
    "OVERDUE_EXCLUDED",
    "OVERDUE_NO_DEFAULT",
    "REASON_CODE",
    "AlsoSweep",
    "Clocks",
    "DeemedDocument",
    "Items",
    "Outcome",
    "Rule",
    "SweepReport",
    "Sweeper",
    "Timer",
    "Verdict",
    "deemed_document",
    "metrics_source",
    "record_outcomes",
    "sweep",
    "verdict",
]
