"""One escalation hop against its primitives (benchmark 2): the township's SubmitCase to the city
center (gRPC with a service token; the city stores the case and its materials, arms the clock,
writes the audit entry and the outbox event in one commit), one call at a time, against a bare
grpc.aio unary call of the same size plus a bare one-row commit on the city's database.

The transfer is a real one: the township's own `escalate` pending call from an earlier
lifecycle, sent again under new case numbers.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import grpc
from sqlalchemy import text

from bench import datagen
from bench.context import Context
from bench.stats import Figure, median, p99
from govnet.citycenter.v1 import city_center_pb2, city_center_pb2_grpc
from govnet.common.v1 import case_pb2
from govnet_kit.db import make_engine
from govnet_kit.grpcutil import ServiceTokenSource, channel


def real_transfer(ctx: Context) -> case_pb2.CaseTransfer:
    with datagen.connect(ctx.db("town-hall")) as conn:
        row = conn.execute(
            "SELECT payload FROM pending_call WHERE kind = 'escalate' ORDER BY created_at LIMIT 1"
        ).fetchone()
    if row is None:
        raise RuntimeError("no escalation yet: run a lifecycle first")
    return case_pb2.CaseTransfer.FromString(row[0])


async def _bare_call(payload: bytes, n: int) -> list[float]:
    async def echo(request: bytes, _context: grpc.aio.ServicerContext) -> bytes:
        return request

    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "bench.Echo", {"Call": grpc.unary_unary_rpc_method_handler(echo)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
            call = ch.unary_unary("/bench.Echo/Call")
            await call(payload)  # connect
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                await call(payload)
                times.append(time.perf_counter() - t0)
            return times
    finally:
        await server.stop(0)


async def _bare_commit(ctx: Context, n: int) -> list[float]:
    engine = make_engine(ctx.db("city-center"))
    table = f"bench_commit_{uuid.uuid4().hex[:8]}"
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"CREATE TABLE {table} (id text PRIMARY KEY, at timestamptz)"))
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            async with engine.begin() as conn:
                await conn.execute(
                    text(f"INSERT INTO {table} VALUES (:id, now())"), {"id": uuid.uuid4().hex}
                )
            times.append(time.perf_counter() - t0)
        return times
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        await engine.dispose()


async def _hops(ctx: Context, transfer: case_pb2.CaseTransfer, n: int) -> list[float]:
    secrets = ctx.platform.secrets
    tokens = ServiceTokenSource(
        ctx.platform.grpc("identity"),
        secrets["TOWN_HALL_CLIENT_ID"],
        secrets["TOWN_HALL_CLIENT_SECRET"],
    )
    ch = channel(ctx.platform.grpc("city-center"))
    stub = city_center_pb2_grpc.CityCenterServiceStub(ch)
    village = transfer.case_number.split("-")[0]
    day = datetime.now(UTC).strftime("%Y%m%d")
    base = 90000 + (uuid.uuid4().int % 900) * 100  # past any real sequence of the day
    times = []
    try:
        for k in range(n):
            sent = case_pb2.CaseTransfer()
            sent.CopyFrom(transfer)
            sent.case_number = f"{village}-{day}-{base + k}"
            metadata = await tokens.metadata(
                case_number=sent.case_number,
                acting_user=f"staff:{sent.acting_staff_id}",
                represented_party=sent.applicant_ref,
            )
            t0 = time.perf_counter()
            await stub.SubmitCase(
                city_center_pb2.SubmitCaseRequest(transfer=sent), metadata=metadata, timeout=30
            )
            times.append(time.perf_counter() - t0)
    finally:
        await ch.close()
        await tokens.close()
    return times


async def run(ctx: Context, *, calls: int) -> Figure:
    transfer = real_transfer(ctx)
    size = len(transfer.SerializeToString())
    hops = await _hops(ctx, transfer, calls)
    bare = await _bare_call(transfer.SerializeToString(), calls)
    commits = await _bare_commit(ctx, calls)
    primitives = median(bare) + median(commits)
    hop = median(hops)
    return Figure(
        name=f"2. escalation hop (SubmitCase, {size} B transfer)",
        median_ms=hop * 1000,
        p99_ms=p99(hops) * 1000,
        throughput=f"{1 / max(hop, 1e-6):.0f} hops/s one at a time ({calls} calls)",
        baseline=(
            f"bare grpc.aio call median {median(bare) * 1000:.2f} ms + bare commit "
            f"{median(commits) * 1000:.2f} ms = {primitives * 1000:.2f} ms; "
            f"hop = {hop / max(primitives, 1e-9):.1f}x"
        ),
        goal="hop <= 2x primitives",
        met=hop <= 2 * primitives,
        notes=["the bare call's server runs in the benchmark's own process and loop"],
    )
