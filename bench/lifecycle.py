"""Full lifecycle throughput (benchmark 1): the village accepts as agent -> the township
escalates -> the forestry bureau's representative decides under a delegated credential -> the
reply is back at the village -> notify has stored every notification of it. Driven through the
public HTTP APIs only, `concurrency` lifecycles in flight, for at most `seconds`.

A lifecycle's time runs from the application's POST to the last notification seen; the driver
polls every 0.25 s, so each time is late by up to that much, and the polling itself is load.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from bench.context import Context
from bench.stats import Figure, median, p99
from tools import journey

POLL = 0.25
EVENTS = 8  # status changes from acceptance to the reply, as tools/journey.py counts them


async def _until(probe, within: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if value := await probe():
            return value
        await asyncio.sleep(POLL)
    raise TimeoutError("lifecycle step timed out")


async def _one(client: httpx.AsyncClient, ctx: Context, credential: str) -> float:
    village, city = ctx.http("village-room"), ctx.http("city-center")
    staff = await ctx.staff(client, "village-room", "village.duty")
    rep = await ctx.staff(client, "city-center", "forestry.rep")
    started = time.perf_counter()
    resp = await client.post(
        f"{village}/api/v1/applications",
        json={
            "place_code": journey.VILLAGE,
            "item_code": journey.ITEM,
            "applicant": journey.APPLICANT,
            "materials": [journey._material(c) for c in journey.ALL_MATERIALS],
        },
        headers=staff,
    )
    resp.raise_for_status()
    number = resp.json()["acceptance_slip"]["case_number"]

    async def at_city() -> bool:
        return (await client.get(f"{city}/api/v1/cases/{number}", headers=rep)).status_code == 200

    await _until(at_city, 120)
    for attempt in range(5):  # 503: a dependency (identity's grant check) busy; it says retry
        decided = await client.post(
            f"{city}/api/v1/cases/{number}/decision",
            json={"outcome": "approve"},
            headers={**rep, "X-Approval-Credential": credential},
        )
        if decided.status_code != 503:
            break
        await asyncio.sleep(1.0 + attempt)
    decided.raise_for_status()

    async def notified() -> bool:
        resp = await client.get(f"{village}/api/v1/cases/{number}/notifications", headers=staff)
        return resp.status_code == 200 and len(resp.json()) >= 2 * EVENTS

    async def replied() -> bool:
        resp = await client.get(f"{village}/api/v1/cases/{number}", headers=staff)
        return resp.json().get("status") == "CASE_STATUS_REPLY_READY"

    await _until(replied, 120)
    await _until(notified, 120)
    return time.perf_counter() - started


async def measure(
    ctx: Context, *, seconds: float, concurrency: int, limit: int
) -> tuple[list[float], float]:
    """(seconds per lifecycle, wall time) for the lifecycles started within `seconds`."""
    async with httpx.AsyncClient(timeout=60.0, trust_env=False) as client:
        rep = await ctx.staff(client, "city-center", "forestry.rep")
        cred = await client.post(
            f"{ctx.http('city-center')}/api/v1/approval-credential",
            json={"department_code": "forestry"},
            headers=rep,
        )
        cred.raise_for_status()
        credential = cred.json()["approval_credential"]
        times: list[float] = []
        stop = time.monotonic() + seconds
        started = time.perf_counter()

        async def worker() -> None:
            while time.monotonic() < stop and len(times) < limit:
                times.append(await _one(client, ctx, credential))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return times, time.perf_counter() - started


async def run(
    ctx: Context,
    *,
    seconds: float,
    concurrency: int,
    limit: int,
    baseline: tuple[list[float], float],
) -> Figure:
    times, wall = await measure(ctx, seconds=seconds, concurrency=concurrency, limit=limit)
    base, base_wall = baseline
    rate, base_rate = len(times) / wall, len(base) / max(base_wall, 1e-3)
    return Figure(
        name=f"1. full lifecycle, {ctx.loaded} cases loaded",
        median_ms=median(times) * 1000,
        p99_ms=p99(times) * 1000,
        throughput=f"{rate:.2f} lifecycles/s ({rate / 2:.2f}/s per core; {len(times)} done, {concurrency} in flight)",
        baseline=(
            f"empty databases: {base_rate:.2f} lifecycles/s, median {median(base) * 1000:.0f} ms"
        ),
        goal=">= 100 lifecycles/s per core on 2 cores",
        met=rate / 2 >= 100,
        notes=[f"times include up to {POLL * 1000:.0f} ms of polling granularity per step"],
    )
