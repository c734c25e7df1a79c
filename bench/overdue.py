"""The supervisor's overdue list for one township (benchmark 4):
GET /api/v1/supervision/clocks?place=<township>&overdue=true as the city's supervisor, one
request at a time, on the loaded clocks and, as the baseline, before anything was loaded."""

from __future__ import annotations

import time

import httpx

from bench import datagen
from bench.context import Context
from bench.stats import Figure, median, p99


async def measure(ctx: Context, *, requests: int) -> tuple[list[float], int]:
    """(seconds per request, overdue clocks the township has)."""
    place = datagen.township_code(0, ctx.district)[:9]
    url = f"{ctx.http('city-center')}/api/v1/supervision/clocks"
    async with httpx.AsyncClient(timeout=60.0, trust_env=False) as client:
        sup = await ctx.staff(client, "city-center", "city.supervisor")
        times, total = [], 0
        for _ in range(requests):
            t0 = time.perf_counter()
            resp = await client.get(url, params={"place": place, "overdue": "true"}, headers=sup)
            times.append(time.perf_counter() - t0)
            resp.raise_for_status()
            total = int(resp.headers["X-Total-Count"])
        return times, total


async def run(ctx: Context, *, requests: int, baseline: tuple[list[float], int]) -> Figure:
    times, total = await measure(ctx, requests=requests)
    base, _ = baseline
    return Figure(
        name=f"4. supervisor's overdue list, one township, {ctx.loaded} cases loaded",
        median_ms=median(times) * 1000,
        p99_ms=p99(times) * 1000,
        throughput=f"{1 / max(median(times), 1e-6):.0f} requests/s one at a time ({total} overdue, first page of 100)",
        baseline=f"empty databases: median {median(base) * 1000:.1f} ms, p99 {p99(base) * 1000:.1f} ms",
        goal="p50 <= 20 ms",
        met=median(times) <= 0.020,
    )
