"""Logging and tracing, set up by one call per service (rule 9).

JSON log lines carry the current trace and span ids; trace context travels in HTTP and gRPC
headers (instrumentation) and in NATS headers (inject/extract below). Spans go to the console,
to a JSON-lines file, and over OTLP/gRPC to a collector when an endpoint is configured; the
instrumentation's metrics go over OTLP too (the Prometheus port is govnet_kit.metrics).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime

from opentelemetry import metrics, propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
)

from govnet_kit.personal import mask_text

_configured = False
_exporting = False
_providers: list[TracerProvider | MeterProvider] = []


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        span = trace.get_current_span().get_span_context()
        line: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if span.is_valid:
            line["trace_id"] = format(span.trace_id, "032x")
            line["span_id"] = format(span.span_id, "016x")
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        # No full ID number or phone in any line, whatever a message or traceback quoted.
        return mask_text(json.dumps(line, ensure_ascii=False))


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def _span_line(span: ReadableSpan) -> str:
    ctx = span.get_span_context()
    return (
        json.dumps(
            {
                "service": span.resource.attributes.get("service.name", ""),
                "name": span.name,
                "kind": span.kind.name,
                "trace_id": format(ctx.trace_id, "032x"),
                "span_id": format(ctx.span_id, "016x"),
                "parent_id": format(span.parent.span_id, "016x") if span.parent else "",
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def _otlp_insecure(endpoint: str) -> bool:
    """http:// is plain gRPC (a collector in the namespace); https:// verifies TLS."""
    return not endpoint.startswith("https://")


def tracer_provider(
    service_name: str, *, console: bool = False, trace_file: str = "", otlp_endpoint: str = ""
) -> TracerProvider:
    """Spans to the console, as JSON lines to a file (read back by the single-trace test), and
    in batches over OTLP/gRPC to a collector."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if console:
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    if trace_file:
        out = open(trace_file, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - process-long
        provider.add_span_processor(
            SimpleSpanProcessor(ConsoleSpanExporter(out=out, formatter=_span_line))
        )
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=otlp_endpoint, insecure=_otlp_insecure(otlp_endpoint))
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def meter_provider(
    service_name: str, otlp_endpoint: str, *, interval_s: float = 30.0
) -> MeterProvider:
    """The instrumentation's metrics (HTTP server duration, ...) over OTLP/gRPC."""
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

    exporter = OTLPMetricExporter(endpoint=otlp_endpoint, insecure=_otlp_insecure(otlp_endpoint))
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=interval_s * 1000)
    return MeterProvider(
        resource=Resource.create({"service.name": service_name}), metric_readers=[reader]
    )


def setup_tracing(
    service_name: str, *, console: bool = False, trace_file: str = "", otlp_endpoint: str = ""
) -> None:
    """Once per process: the global tracer provider (and, with OTLP, the meter provider)."""
    global _configured, _exporting
    if _configured:
        return
    _exporting = bool(console or trace_file or otlp_endpoint)
    provider = tracer_provider(
        service_name, console=console, trace_file=trace_file, otlp_endpoint=otlp_endpoint
    )
    trace.set_tracer_provider(provider)
    _providers.append(provider)
    if otlp_endpoint:
        meters = meter_provider(service_name, otlp_endpoint)
        metrics.set_meter_provider(meters)
        _providers.append(meters)
    _configured = True


def spans_exported() -> bool:
    """Whether this process's spans go anywhere (console, file or collector).

    Without an exporter the SDK still builds and ends every span; for the database spans, one
    per statement and one per connection checkout, that was about a tenth of a busy service's
    CPU for nothing. Request and message spans stay: they carry the trace ids of log lines and
    of the calls and events that leave the process."""
    return _exporting


def flush_telemetry(timeout_s: float = 5.0) -> None:
    """Send what the batch exporters still hold (at shutdown; the providers also shut down
    at exit). A collector that is away costs at most the timeout."""
    for provider in _providers:
        try:
            provider.force_flush(int(timeout_s * 1000))
        except Exception:  # noqa: BLE001 - never block shutdown on telemetry
            logging.getLogger(__name__).warning("telemetry flush failed", exc_info=True)


def inject_headers(headers: dict[str, str] | None = None) -> dict[str, str]:
    """W3C trace context of the current span, for a NATS message or an outbox row."""
    carrier: dict[str, str] = dict(headers or {})
    propagate.inject(carrier)
    return carrier


def extract_context(headers: Mapping[str, str] | None) -> Context:
    return propagate.extract(dict(headers or {}))


def current_traceparent() -> str:
    return inject_headers().get("traceparent", "")


tracer = trace.get_tracer("govnet")
