"""Logging and tracing, set up by one call per service (rule 9).

JSON log lines carry the current trace and span ids; trace context travels in HTTP and gRPC
headers (instrumentation) and in NATS headers (inject/extract below).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

_configured = False


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
        return json.dumps(line, ensure_ascii=False)


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


def setup_tracing(service_name: str, *, console: bool = False, trace_file: str = "") -> None:
    """Spans to the console, or as JSON lines to a file (read back by the single-trace test);
    production adds an OTLP exporter here."""
    global _configured
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if console:
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    if trace_file:
        out = open(trace_file, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - process-long
        provider.add_span_processor(
            SimpleSpanProcessor(ConsoleSpanExporter(out=out, formatter=_span_line))
        )
    trace.set_tracer_provider(provider)
    _configured = True


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
