"""Figures as every benchmark prints them: median, p99, throughput, and the baseline measured in
the same run on the same machine (bench/timeout_default.py prints the same way)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class Figure:
    """One row of the table: what was measured, against what, and the goal."""

    name: str
    median_ms: float | None  # None: a figure with no latency (the load), shown as "-"
    p99_ms: float | None
    throughput: str
    baseline: str
    goal: str
    met: bool | None = None
    notes: list[str] = field(default_factory=list)

    def print(self) -> None:
        verdict = {True: "met", False: "not met", None: "n/a"}[self.met]
        print(
            f"{self.name}: median {_ms(self.median_ms)}, p99 {_ms(self.p99_ms)}, "
            f"throughput {self.throughput}"
        )
        print(f"  baseline: {self.baseline}")
        print(f"  goal: {self.goal} ({verdict})")
        for note in self.notes:
            print(f"  note: {note}")


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def table(figures: list[Figure]) -> str:
    """A Markdown table, as docs/performance.md shows it."""
    lines = [
        "| benchmark | median | p99 | throughput | baseline (same run) | goal |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        verdict = {True: "met", False: "not met", None: "n/a"}[f.met]
        lines.append(
            f"| {f.name} | {_ms(f.median_ms)} | {_ms(f.p99_ms)} | {f.throughput} | "
            f"{f.baseline} | {f.goal}: {verdict} |"
        )
    return "\n".join(lines)
