"""Prometheus-format metrics on a port of their own (settings.metrics_port; rule 9).

Request rate and latency are counted as requests are served (an ASGI middleware and a gRPC
interceptor). Backlogs, consumer lag and cases are read when Prometheus scrapes: each source is
one or two small aggregate queries on the service's own database (or one JetStream info call
per consumer), bounded by a timeout, so a scrape costs the same however busy the service is.

A service adds its own sources in `<package>/metrics.py`, a module with
`sources(runtime) -> list[Source]`: the runtime finds it by that name (the case-holding tiers
report their cases per status there).

Series (every name starts with govnet_):
  http_requests_total{method,route,status}           http_request_duration_seconds{method,route}
  grpc_requests_total{method,code}                   grpc_request_duration_seconds{method}
  outbox_unsent_messages, outbox_oldest_unsent_age_seconds
  pending_calls{kind}, pending_calls_failing{kind}, pending_call_oldest_age_seconds
  consumer_pending_messages{consumer,stream}, consumer_ack_pending_messages{consumer,stream}
  cases{status}, cases_overdue                        metrics_source_up{source}
  deadline_clocks_running, deadline_clocks_due, deadline_sweep_lag_seconds  (govnet_kit.deadlines)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import grpc
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.common.v1 import case_pb2
from govnet_kit.calls import PendingCall
from govnet_kit.db import utcnow
from govnet_kit.messaging import NatsLink, OutboxMessage

log = logging.getLogger(__name__)

# Probes and health checks are not traffic: counting them would drown the real rate.
UNCOUNTED_PATHS = frozenset({"/healthz", "/readyz"})
HEALTH_PREFIX = "/grpc.health.v1.Health/"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SOURCE_TIMEOUT_S = 2.0

Collect = Callable[[], Awaitable[Iterable[Metric]]]


@dataclass(frozen=True)
class Source:
    """Metrics read at scrape time; `collect` returns finished metric families."""

    name: str
    collect: Collect


class _Snapshot:
    """The families the last scrape's sources returned, for the registry to expose."""

    def __init__(self) -> None:
        self.families: list[Metric] = []

    def collect(self) -> Iterable[Metric]:
        return list(self.families)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.http_requests = Counter(
            "govnet_http_requests",
            "HTTP requests served, by route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "govnet_http_request_duration_seconds",
            "Time to serve an HTTP request, by route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.grpc_requests = Counter(
            "govnet_grpc_requests",
            "gRPC calls served, by full method name and status code.",
            ["method", "code"],
            registry=self.registry,
        )
        self.grpc_latency = Histogram(
            "govnet_grpc_request_duration_seconds",
            "Time to serve a gRPC call, by full method name.",
            ["method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.sources: list[Source] = []
        self._snapshot = _Snapshot()
        self.registry.register(self._snapshot)  # type: ignore[arg-type]
        self._lock = asyncio.Lock()

    def add(self, *sources: Source) -> None:
        self.sources.extend(sources)

    async def _read(self, source: Source) -> tuple[list[Metric], bool]:
        try:
            async with asyncio.timeout(SOURCE_TIMEOUT_S):
                return list(await source.collect()), True
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - one failed source must not hide the rest
            log.warning("metrics source %s: %s", source.name, exc)
            return [], False

    async def render(self) -> bytes:
        """The exposition text: the sources read now, the request counters as they stand."""
        async with self._lock:  # two scrapes at once would interleave snapshots
            results = await asyncio.gather(*(self._read(s) for s in self.sources))
            up = GaugeMetricFamily(
                "govnet_metrics_source_up",
                "1 when the source answered this scrape in time, 0 when it failed.",
                labels=["source"],
            )
            families: list[Metric] = [up]
            for source, (found, ok) in zip(self.sources, results, strict=True):
                up.add_metric([source.name], 1.0 if ok else 0.0)
                families.extend(found)
            self._snapshot.families = families
            return generate_latest(self.registry)

    def grpc_interceptor(self) -> grpc.aio.ServerInterceptor:
        return _GrpcMetrics(self)

    async def serve(self, host: str, port: int) -> None:
        """GET /metrics on host:port until cancelled (a task of the runtime)."""
        import uvicorn

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "lifespan":
                while (await receive())["type"] != "lifespan.shutdown":
                    await send({"type": "lifespan.startup.complete"})
                await send({"type": "lifespan.shutdown.complete"})
                return
            if scope["path"] != "/metrics":
                status, body, ctype = 404, b"not found; try /metrics\n", "text/plain"
            else:
                status, body, ctype = 200, await self.render(), CONTENT_TYPE_LATEST
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", ctype.encode())],
                }
            )
            await send({"type": "http.response.body", "body": body})

        server = uvicorn.Server(
            uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False)
        )
        server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        try:
            await server.serve()
        finally:
            server.should_exit = True


# -- requests --------------------------------------------------------------------------------


class HttpMetricsMiddleware:
    """Counts and times every HTTP request by its route template (`/api/v1/cases/{case_number}`,
    never the raw path: the number of series stays that of the routes)."""

    def __init__(self, app: Any, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] in UNCOUNTED_PATHS:
            await self.app(scope, receive, send)
            return
        status = 500  # unless a response starts
        start = time.perf_counter()

        async def send_counted(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            route = scope.get("route")  # set by the router on a match (FastAPI's APIRoute)
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.http_requests.labels(method, template, str(status)).inc()
            self.metrics.http_latency.labels(method, template).observe(time.perf_counter() - start)


class _GrpcMetrics(grpc.aio.ServerInterceptor):
    """Outermost interceptor: sees the status the auth interceptor or the servicer ended with."""

    def __init__(self, metrics: Metrics):
        self._metrics = metrics

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or handler.unary_unary is None or method.startswith(HEALTH_PREFIX):
            return handler
        inner = handler.unary_unary
        metrics = self._metrics

        async def behavior(request, context: grpc.aio.ServicerContext):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            code = grpc.StatusCode.UNKNOWN
            try:
                response = await inner(request, context)
                code = context.code() or grpc.StatusCode.OK
                return response
            except BaseException:
                code = context.code() or grpc.StatusCode.UNKNOWN
                raise
            finally:
                name = code.name if isinstance(code, grpc.StatusCode) else str(code)
                metrics.grpc_requests.labels(method, name).inc()
                metrics.grpc_latency.labels(method).observe(time.perf_counter() - start)

        return grpc.unary_unary_rpc_method_handler(
            behavior,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


# -- sources read at scrape time -------------------------------------------------------------


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite aggregates come back naive (they are UTC)
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max((now - oldest).total_seconds(), 0.0)


def outbox_source(sessions: async_sessionmaker[AsyncSession]) -> Source:
    """Events written but not yet acknowledged by NATS (sent_at is indexed)."""

    async def collect() -> list[Metric]:
        async with sessions() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(OutboxMessage.created_at)).where(
                        OutboxMessage.sent_at.is_(None)
                    )
                )
            ).one()
        now = utcnow()
        return [
            GaugeMetricFamily(
                "govnet_outbox_unsent_messages",
                "Outbox rows not yet published to NATS (the relay's backlog).",
                value=count,
            ),
            GaugeMetricFamily(
                "govnet_outbox_oldest_unsent_age_seconds",
                "Age of the oldest unsent outbox row; 0 when there is none.",
                value=_age(oldest, now),
            ),
        ]

    return Source("outbox", collect)


def pending_calls_source(sessions: async_sessionmaker[AsyncSession]) -> Source:
    """Upward calls not yet acknowledged by the tier above, by kind."""

    async def collect() -> list[Metric]:
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(
                        PendingCall.kind,
                        func.count(),
                        func.count().filter(PendingCall.attempts > 0),
                        func.min(PendingCall.created_at),
                    )
                    .where(PendingCall.done_at.is_(None))
                    .group_by(PendingCall.kind)
                )
            ).all()
        now = utcnow()
        pending = GaugeMetricFamily(
            "govnet_pending_calls",
            "Upward calls queued and not yet acknowledged, by kind.",
            labels=["kind"],
        )
        failing = GaugeMetricFamily(
            "govnet_pending_calls_failing",
            "Of those, calls already tried at least once (retrying with backoff).",
            labels=["kind"],
        )
        oldest_age = 0.0
        for kind, count, tried, oldest in rows:
            pending.add_metric([kind], count)
            failing.add_metric([kind], tried)
            oldest_age = max(oldest_age, _age(oldest, now))
        age = GaugeMetricFamily(
            "govnet_pending_call_oldest_age_seconds",
            "Age of the oldest unacknowledged upward call; 0 when there is none.",
            value=oldest_age,
        )
        return [pending, failing, age]

    return Source("pending_calls", collect)


@dataclass(frozen=True)
class ConsumerRef:
    stream: str
    durable: str


def consumers_source(link: NatsLink, consumers: Sequence[ConsumerRef]) -> Source:
    """JetStream's own count of messages each durable consumer has not yet received
    (num_pending) and has received but not acknowledged (num_ack_pending)."""

    async def collect() -> list[Metric]:
        if not link.connected or link.nc is None:
            raise RuntimeError("NATS is not connected")
        js = link.nc.jetstream()
        pending = GaugeMetricFamily(
            "govnet_consumer_pending_messages",
            "Messages in the stream the durable consumer has not yet received (its lag).",
            labels=["consumer", "stream"],
        )
        acks = GaugeMetricFamily(
            "govnet_consumer_ack_pending_messages",
            "Messages delivered to the consumer and not yet acknowledged.",
            labels=["consumer", "stream"],
        )
        for ref in consumers:
            info = await js.consumer_info(ref.stream, ref.durable, timeout=1.0)
            pending.add_metric([ref.durable, ref.stream], info.num_pending or 0)
            acks.add_metric([ref.durable, ref.stream], info.num_ack_pending or 0)
        return [pending, acks]

    return Source("consumers", collect)


def _status_label(value: int) -> str:
    try:
        return case_pb2.CaseStatus.Name(value).removeprefix("CASE_STATUS_").lower()
    except ValueError:
        return str(value)


# Statuses whose clock no longer runs: decided, handed back, ended, or waiting for the
# applicant (suspended). Looked up by name, so a status the contracts add later is counted as
# running until it is listed here.
_STOPPED = frozenset(
    {
        "APPROVED",
        "REFUSED",
        "DEEMED_APPROVED",
        "REPLY_READY",
        "WITHDRAWN",
        "SUSPENDED",
        "REPLIED",
        "CLOSED",
        "CONSULTED",
        "REDIRECTED",
        "INCOMPLETE",
    }
)
CLOCK_STOPPED = frozenset(
    number
    for name, number in case_pb2.CaseStatus.items()
    if name.removeprefix("CASE_STATUS_") in _STOPPED
)


def case_source(
    sessions: async_sessionmaker[AsyncSession],
    case_model: Any,
    *,
    stopped: frozenset[int] = CLOCK_STOPPED,
) -> Source:
    """Cases per status (every status, 0 included) and those overdue: deadline passed while the
    clock still runs (not decided, not suspended). One GROUP BY over a handful of statuses and
    one count on the indexed deadline."""

    async def collect() -> list[Metric]:
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(case_model.status, func.count()).group_by(case_model.status)
                )
            ).all()
            overdue = await session.scalar(
                select(func.count())
                .select_from(case_model)
                .where(case_model.deadline < utcnow(), case_model.status.not_in(stopped))
            )
        counts = {number: 0 for number in case_pb2.CaseStatus.values() if number != 0}
        counts.update({status: count for status, count in rows})
        per_status = GaugeMetricFamily(
            "govnet_cases", "Cases held by this service, by status.", labels=["status"]
        )
        for status, count in sorted(counts.items()):
            per_status.add_metric([_status_label(status)], count)
        return [
            per_status,
            GaugeMetricFamily(
                "govnet_cases_overdue",
                "Cases whose deadline has passed while still running (not decided, not suspended).",
                value=overdue or 0,
            ),
        ]

    return Source("cases", collect)
