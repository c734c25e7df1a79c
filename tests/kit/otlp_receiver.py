"""A tiny OTLP/gRPC receiver on loopback: what a collector would get, kept for a test to read."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field

import grpc
from opentelemetry.proto.collector.metrics.v1 import (
    metrics_service_pb2,
    metrics_service_pb2_grpc,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


@dataclass
class Received:
    spans: list[tuple[str, str, int]] = field(default_factory=list)  # (service, name, kind)
    metrics: list[tuple[str, str]] = field(default_factory=list)  # (service, metric name)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, check: Callable[[Received], bool], timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if check(self):
                    return True
            time.sleep(0.1)
        return False


def _service(resource) -> str:  # type: ignore[no-untyped-def]
    for attr in resource.attributes:
        if attr.key == "service.name":
            return attr.value.string_value
    return ""


class _Traces(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, received: Received):
        self.received = received

    def Export(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802 - the RPC's name
        with self.received.lock:
            for rs in request.resource_spans:
                for ss in rs.scope_spans:
                    for span in ss.spans:
                        self.received.spans.append((_service(rs.resource), span.name, span.kind))
        return trace_service_pb2.ExportTraceServiceResponse()


class _Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, received: Received):
        self.received = received

    def Export(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        with self.received.lock:
            for rm in request.resource_metrics:
                for sm in rm.scope_metrics:
                    for metric in sm.metrics:
                        self.received.metrics.append((_service(rm.resource), metric.name))
        return metrics_service_pb2.ExportMetricsServiceResponse()


@contextmanager
def otlp_receiver() -> Iterator[tuple[str, Received]]:
    """Yields the endpoint to configure (http://127.0.0.1:<port>) and what arrives there."""
    received = Received()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_Traces(received), server)
    metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(_Metrics(received), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        server.stop(grace=None)
