"""How late the timeout default fires (goal: under 1 s), and what a sweep costs with many
clocks that are not due (goal: nothing: it reads only due rows).

Runs on a fresh database of the local PostgreSQL (Unix socket), dropped afterwards:
    .venv/bin/python -m bench.timeout_default [--cases 200] [--idle 20000]
Prints median / p99 / max lateness, the throughput of defaults, and the baseline measured in
the same run: an idle sweep over an empty timer table vs. one over `--idle` clocks not yet due.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
import uuid
from datetime import timedelta

from sqlalchemy import insert, select

import city_center.models  # noqa: F401 - registers the service's tables
from city_center.case import deemed
from city_center.case.models import CaseDecision, CityCase
from city_center.case.timers import CaseTimer
from city_center.catalog.models import Department
from city_center.catalog.service import publish
from city_center.seed import TREE_FELLING_PERMIT
from govnet.common.v1 import case_pb2
from govnet_kit.db import Base, make_engine, make_sessionmaker, new_id, transaction, utcnow

HOST, USER, CITY = "/var/run/postgresql", "root", "341100000000"


def _rows(n: int, first_due, spread_s: float, prefix: str) -> tuple[list[dict], list[dict]]:
    now = utcnow()
    cases, clocks = [], []
    for i in range(n):
        due = first_due + timedelta(seconds=spread_s * i / max(n, 1))
        cid = new_id()
        cases.append(
            dict(
                id=cid,
                case_number=f"341102101201-{prefix}-{i:06d}",
                item_code="LY-0001",
                item_version=1,
                department_code="forestry",
                origin_place_code="341102101201",
                sender_place_code="341102101000",
                status=case_pb2.CASE_STATUS_PENDING_DECISION,
                applicant_name="bench",
                applicant_id_number="bench",
                accepted_at=now,
                deadline=due,
                received_at=now,
                agent_staff_id="",
                owner_staff_id="",
                extended_days=0,
            )
        )
        clocks.append(dict(case_id=cid, due_at=due, armed_at=now))
    return cases, clocks


async def _insert(sessions, cases, clocks) -> None:  # type: ignore[no-untyped-def]
    async with transaction(sessions) as s:
        for i in range(0, len(cases), 5000):
            await s.execute(insert(CityCase), cases[i : i + 5000])
            await s.execute(insert(CaseTimer), clocks[i : i + 5000])


async def _idle_sweep_ms(sessions, repeats: int = 50) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        await deemed.sweep(sessions, now=utcnow(), city_place_code=CITY)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


async def run(db: str, cases: int, idle: int) -> None:
    engine = make_engine(f"postgresql+asyncpg://{USER}@/{db}?host={HOST}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        sessions = make_sessionmaker(engine)
        async with transaction(sessions) as s:
            s.add(Department(code="forestry", name_zh="林业局", name_en="Forestry", stationed=True))
            await s.flush()
            await publish(s, record=TREE_FELLING_PERMIT)

        empty_ms = await _idle_sweep_ms(sessions)
        far = utcnow() + timedelta(days=30)
        await _insert(sessions, *_rows(idle, far, 3600.0, "20990101"))
        loaded_ms = await _idle_sweep_ms(sessions)

        start = utcnow() + timedelta(seconds=2)
        await _insert(sessions, *_rows(cases, start, 5.0, "20260101"))
        sweeper = deemed.Sweeper(sessions, city_place_code=CITY, poll=1.0)
        task = asyncio.create_task(sweeper.run())
        await asyncio.sleep(9.0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

        async with sessions() as s:
            rows = (
                await s.execute(
                    select(CaseDecision.decided_at, CityCase.deadline).join(
                        CityCase, CityCase.id == CaseDecision.case_id
                    )
                )
            ).all()
        late = sorted((d - due).total_seconds() for d, due in rows)
        span = (max(d for d, _ in rows) - min(d for d, _ in rows)).total_seconds() if rows else 0
        print(f"defaults applied: {len(late)} of {cases} (with {idle} clocks not due)")
        if late:
            p99 = late[min(len(late) - 1, int(len(late) * 0.99))]
            print(
                f"lateness: median {statistics.median(late) * 1000:.0f} ms, "
                f"p99 {p99 * 1000:.0f} ms, max {late[-1] * 1000:.0f} ms (goal: under 1000 ms)"
            )
            print(
                f"throughput: {len(late) / max(span, 1e-3):.0f} defaults/s "
                f"(bounded by the arrival rate: {cases} clocks over 5 s)"
            )
        print(
            f"baseline: idle sweep {empty_ms:.2f} ms with no clocks, "
            f"{loaded_ms:.2f} ms with {idle} clocks not yet due"
        )
    finally:
        await engine.dispose()


def main(cases: int, idle: int) -> None:
    db = f"govnet_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", HOST, "-U", USER, db], check=True)
    try:
        asyncio.run(run(db, cases, idle))
    finally:
        subprocess.run(["dropdb", "-h", HOST, "-U", USER, "--if-exists", db], check=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--idle", type=int, default=20000)
    args = parser.parse_args()
    main(args.cases, args.idle)
