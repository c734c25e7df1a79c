"""`make bench` keeps working: every benchmark runs at tiny sizes against the shared platform
and prints its figures (median, p99, throughput, baseline, goal). The figures themselves are
not asserted: this machine's load decides them. The generator's cases go to a district of
their own (341199), away from every place the other tests use."""

from __future__ import annotations

import asyncio
import re

import pytest

from bench import full
from bench.context import Context

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_every_benchmark_prints_its_figures(platform_pg, capsys) -> None:  # type: ignore[no-untyped-def]
    sizes = full.SMALL
    figures = asyncio.run(full.benchmarks(Context(platform_pg, district="341199"), sizes))
    out = capsys.readouterr().out

    assert re.search(rf"loaded {sizes.cases} cases \(\d+ rows\) in [\d.]+ s", out)
    names = [f.name.split(".")[0] for f in figures]
    assert names == ["0", "1", "2", "3", "4", "5", "6"]
    for number in "123456":
        assert re.search(
            rf"^{number}\. .+: median [\d.]+ ms, p99 [\d.]+ ms, throughput .+$", out, re.M
        ), f"benchmark {number} printed no figures:\n{out}"
    assert out.count("  baseline: ") == 6
    assert "| benchmark | median | p99 |" in full.table(figures)
    # The load has no latency: dashes, and what 1M cases would take at the rate measured.
    assert re.search(
        r"^\| 0\. load .+ \| - \| - \| \d+ cases/s, .+\(at this rate [\d.]+ min\): n/a \|$",
        full.table(figures),
        re.M,
    )
    # Work really happened: a lifecycle completed, every status change was notified, every
    # due default was applied.
    by = {f.name[0]: f for f in figures}
    assert "1 done" in by["1"].throughput
    assert by["3"].throughput.startswith(f"{int(sizes.notify_rate * sizes.notify_s)} of ")
    assert f"{sizes.due} of {sizes.due} applied" in by["5"].throughput
