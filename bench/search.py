"""The public catalog search under concurrent load (benchmark 6): `concurrency` clients, no
sign-in, GET /api/v1/catalog/items?q=... for `seconds`, beside GET /healthz of the same service
under the same load (the HTTP stack alone)."""

from __future__ import annotations

import asyncio
import time

import httpx

from bench.context import Context
from bench.stats import Figure, median, p99

TERMS = ("林木", "许可", "证", "forestry", "户籍", "营业", "水", "")


async def _load(
    url: str, params: list[dict[str, str]], *, seconds: float, concurrency: int
) -> tuple[list[float], float]:
    times: list[float] = []
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=30.0, trust_env=False, limits=limits) as client:
        stop = time.monotonic() + seconds
        started = time.perf_counter()

        async def worker(k: int) -> None:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                resp = await client.get(url, params=params[(k + len(times)) % len(params)])
                resp.raise_for_status()
                times.append(time.perf_counter() - t0)

        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        return times, time.perf_counter() - started


async def run(ctx: Context, *, seconds: float, concurrency: int) -> Figure:
    city = ctx.http("city-center")
    queries = [{"q": t, "limit": "20"} if t else {"limit": "20"} for t in TERMS]
    times, wall = await _load(
        f"{city}/api/v1/catalog/items", queries, seconds=seconds, concurrency=concurrency
    )
    base, base_wall = await _load(f"{city}/healthz", [{}], seconds=seconds, concurrency=concurrency)
    return Figure(
        name=f"6. public catalog search, {concurrency} concurrent clients",
        median_ms=median(times) * 1000,
        p99_ms=p99(times) * 1000,
        throughput=f"{len(times) / wall:.0f} searches/s",
        baseline=(
            f"/healthz under the same load: {len(base) / base_wall:.0f} requests/s, "
            f"median {median(base) * 1000:.1f} ms"
        ),
        goal="report (no goal set)",
    )
