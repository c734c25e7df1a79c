"""The metrics port, read as Prometheus would: a real township hall process on a real
PostgreSQL database, real HTTP and gRPC requests, then a scrape of its metrics port. And the
consumer lag on a real nats-server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from govnet.common.v1 import case_pb2
from govnet.townhall.v1 import town_hall_pb2, town_hall_pb2_grpc
from govnet_kit.calls import PendingCall
from govnet_kit.db import make_engine, make_sessionmaker, transaction
from govnet_kit.messaging import CASE_STREAM, NatsLink, OutboxMessage
from govnet_kit.metrics import ConsumerRef, Metrics, consumers_source
from tests.dbkit import PG_HOST, PG_USER
from tests.harness import free_port
from tests.kit.otlp_receiver import Received, otlp_receiver
from town_hall.case.models import TownCase

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NOW = datetime.now(UTC)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition text: (name, labels) -> value."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    name = f"govnet_metrics_{uuid.uuid4().hex[:10]}"
    made = subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"no PostgreSQL server on {PG_HOST}: {made.stderr.decode().strip()}")
    try:
        yield f"postgresql+asyncpg://{PG_USER}@/{name}?host={PG_HOST}"
    finally:
        subprocess.run(["dropdb", "-h", PG_HOST, "-U", PG_USER, "--if-exists", name])


def _case(number: int, status: int, deadline: datetime) -> TownCase:
    return TownCase(
        case_number=f"341102101201-20261127-{number:04d}",
        query_code=f"Q{number:05d}",
        township_code="341102101000",
        origin_place_code="341102101201",
        item_code="forestry.felling",
        item_version=1,
        department_code="forestry",
        status=status,
        applicant_name="张三",
        applicant_id_number="341102199001011234",
        accepted_at=NOW - timedelta(days=30),
        deadline=deadline,
    )


async def _seed(url: str) -> None:
    """What the service's database holds: cases in three statuses (three overdue ones, of
    which one is decided and so not overdue), unsent events and unacknowledged calls."""
    engine = make_engine(url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            past, future = NOW - timedelta(days=2), NOW + timedelta(days=10)
            received = case_pb2.CASE_STATUS_RECEIVED
            pending = case_pb2.CASE_STATUS_PENDING_DECISION
            approved = case_pb2.CASE_STATUS_APPROVED
            for i, (status, deadline) in enumerate(
                [
                    (received, past),
                    (received, past),
                    (received, future),
                    (pending, past),
                    (pending, future),
                    (approved, past),
                ]
            ):
                session.add(_case(i, status, deadline))
            for i in range(4):
                session.add(
                    OutboxMessage(
                        event_id=str(uuid.uuid4()),
                        subject=f"govnet.case.status.town.34110210120{i}",
                        payload=b"",
                        headers={},
                        created_at=NOW - timedelta(seconds=120),
                    )
                )
            # Calls to a city center that is not there: they stay pending, retried.
            for i in range(2):
                session.add(PendingCall(kind="metrics-test", key=str(i), payload=b"", headers={}))
    finally:
        await engine.dispose()


@dataclass
class TownHall:
    http: int
    grpc: int
    metrics: int
    otlp: Received  # what its OTLP exporter sent


@pytest.fixture(scope="module")
def town_hall(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TownHall]:
    """One process for the module's tests (starting one takes seconds on a busy machine),
    exporting its spans to an OTLP receiver."""
    tmp_path = tmp_path_factory.mktemp("town-hall")
    with otlp_receiver() as (endpoint, received):
        yield from _serve(database, tmp_path, endpoint, received)


def _serve(database: str, tmp_path: Path, endpoint: str, received: Received) -> Iterator[TownHall]:
    ports = {"http": free_port(), "grpc": free_port(), "metrics": free_port()}
    dead = free_port()  # NATS, identity and the city are away: nothing leaves the process
    env = {
        **os.environ,
        "TOWN_HALL_DATABASE_URL": database,
        "TOWN_HALL_HTTP_PORT": str(ports["http"]),
        "TOWN_HALL_GRPC_PORT": str(ports["grpc"]),
        "TOWN_HALL_METRICS_PORT": str(ports["metrics"]),
        "TOWN_HALL_NATS_URL": f"nats://127.0.0.1:{dead}",
        "TOWN_HALL_IDENTITY_HTTP_URL": f"http://127.0.0.1:{dead}",
        "TOWN_HALL_IDENTITY_GRPC_TARGET": f"127.0.0.1:{dead}",
        "TOWN_HALL_CITY_CENTER_GRPC_TARGET": f"127.0.0.1:{dead}",
        "TOWN_HALL_LOG_LEVEL": "ERROR",
        "TOWN_HALL_OTLP_ENDPOINT": endpoint,
    }
    cli = [str(BIN / "town-hall")]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    asyncio.run(_seed(database))
    log = open(tmp_path / "town-hall.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*cli, "serve"], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "town-hall.log").read_text()[-3000:]
            try:
                httpx.get(f"http://127.0.0.1:{ports['metrics']}/metrics", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the metrics port never answered"
                time.sleep(0.2)
        yield TownHall(**ports, otlp=received)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        log.close()


def scrape(port: int) -> dict:
    resp = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    return samples(resp.text)


async def _grpc_calls(port: int, n: int) -> list[grpc.StatusCode]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = town_hall_pb2_grpc.TownHallServiceStub(channel)
        codes = []
        for _ in range(n):
            try:
                await stub.GetDecision(town_hall_pb2.GetDecisionRequest(), timeout=5)
                codes.append(grpc.StatusCode.OK)
            except grpc.aio.AioRpcError as exc:
                codes.append(exc.code())
        return codes


def test_a_scrape_shows_requests_backlogs_and_cases(town_hall):
    before = scrape(town_hall.metrics)
    route = {"method": "GET", "route": "/api/v1/cases/{case_number}", "status": "401"}
    method = "/govnet.townhall.v1.TownHallService/GetDecision"
    grpc_labels = {"method": method, "code": "UNAUTHENTICATED"}

    # Five HTTP requests (unauthenticated: 401) to one route with five different numbers,
    # and three gRPC calls without a token.
    base = f"http://127.0.0.1:{town_hall.http}"
    for i in range(5):
        assert httpx.get(f"{base}/api/v1/cases/341102101201-20261127-{i:04d}").status_code == 401
    assert httpx.get(f"{base}/healthz").status_code == 200  # a probe: not counted
    codes = asyncio.run(_grpc_calls(town_hall.grpc, 3))
    assert codes == [grpc.StatusCode.UNAUTHENTICATED] * 3

    after = scrape(town_hall.metrics)

    def added(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    # Requests: counted by route template, so five numbers are one series.
    assert added("govnet_http_requests_total", **route) == 5
    assert added("govnet_http_request_duration_seconds_count", **_no_status(route)) == 5
    assert not any(
        name == "govnet_http_requests_total" and dict(labels).get("route") == "/healthz"
        for name, labels in after
    )
    assert added("govnet_grpc_requests_total", **grpc_labels) == 3
    assert added("govnet_grpc_request_duration_seconds_count", method=method) == 3

    # Cases per status as inserted; overdue: deadline passed and still running.
    assert value(after, "govnet_cases", status="received") == 3
    assert value(after, "govnet_cases", status="pending_decision") == 2
    assert value(after, "govnet_cases", status="approved") == 1
    assert value(after, "govnet_cases", status="refused") == 0
    assert value(after, "govnet_cases_overdue") == 3

    # Backlogs: NATS is away, so the four events wait; the city is away, so the calls wait.
    assert value(after, "govnet_outbox_unsent_messages") == 4
    assert value(after, "govnet_outbox_oldest_unsent_age_seconds") >= 120
    assert value(after, "govnet_pending_calls", kind="metrics-test") == 2
    assert value(after, "govnet_pending_call_oldest_age_seconds") > 0

    # Each source says whether it answered: the consumers' lag needs NATS, which is away.
    for source in ("outbox", "pending_calls", "cases"):
        assert value(after, "govnet_metrics_source_up", source=source) == 1
    assert value(after, "govnet_metrics_source_up", source="consumers") == 0


def _no_status(labels: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in labels.items() if k != "status"}


def test_the_metrics_port_serves_only_metrics(town_hall):
    assert httpx.get(f"http://127.0.0.1:{town_hall.metrics}/").status_code == 404
    # And the public port does not serve them.
    assert httpx.get(f"http://127.0.0.1:{town_hall.http}/metrics").status_code == 404


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "nats-server"), "-js", "-sd", str(tmp_path / "js"), "-a", "127.0.0.1"]
        + ["-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


async def test_consumer_lag_is_what_the_consumer_has_not_received(nats_url):
    from nats.js.api import AckPolicy, ConsumerConfig

    link = NatsLink(nats_url)
    await asyncio.wait_for(link.connect(), 10)
    try:
        js = await link.ready()
        await js.add_consumer(
            CASE_STREAM.name,
            ConsumerConfig(
                durable_name="metrics-test",
                ack_policy=AckPolicy.EXPLICIT,
                filter_subject="govnet.case.status.city.>",
            ),
        )
        metrics = Metrics()
        metrics.add(consumers_source(link, [ConsumerRef(CASE_STREAM.name, "metrics-test")]))
        lag = {"consumer": "metrics-test", "stream": CASE_STREAM.name}

        for i in range(7):
            await js.publish(f"govnet.case.status.city.34110210120{i}", b"x")
        await js.publish("govnet.case.status.town.341102101201", b"not for it")
        found = samples((await metrics.render()).decode())
        assert value(found, "govnet_consumer_pending_messages", **lag) == 7

        sub = await js.pull_subscribe("", durable="metrics-test", stream=CASE_STREAM.name)
        for msg in await sub.fetch(3, timeout=5):
            await msg.ack_sync()
        (unacked,) = await sub.fetch(1, timeout=5)
        found = samples((await metrics.render()).decode())
        assert value(found, "govnet_consumer_pending_messages", **lag) == 3
        assert value(found, "govnet_consumer_ack_pending_messages", **lag) == 1
        assert value(found, "govnet_metrics_source_up", source="consumers") == 1
        await unacked.ack_sync()
    finally:
        await link.close()


def test_the_service_exports_its_spans_over_otlp(town_hall):
    """TOWN_HALL_OTLP_ENDPOINT set: the spans of a request reach the collector."""
    url = f"http://127.0.0.1:{town_hall.http}/api/v1/cases"
    assert httpx.get(url).status_code == 401
    # OTLP's SERVER kind is 2; the HTTP span is named after the route.
    wanted = ("town-hall", "GET /api/v1/cases", 2)
    assert town_hall.otlp.wait_for(lambda r: wanted in r.spans), town_hall.otlp.spans[-10:]
