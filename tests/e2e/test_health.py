"""Every service says whether it is alive and ready, over HTTP and gRPC, and serves its API docs."""

from __future__ import annotations

import asyncio

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tools.launcher import SERVICES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", SERVICES)
def test_health_ready_and_docs(platform_pg, service):
    base = platform_pg.http(service)
    assert httpx.get(f"{base}/healthz").json() == {"status": "alive"}
    ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "nats": True}
    assert httpx.get(f"{base}/docs").status_code == 200
    assert httpx.get(f"{base}/openapi.json").json()["info"]["title"].startswith("govnet")

    async def check() -> int:
        async with grpc.aio.insecure_channel(platform_pg.grpc(service)) as channel:
            resp = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=5
            )
            return resp.status

    assert asyncio.run(check()) == health_pb2.HealthCheckResponse.SERVING
