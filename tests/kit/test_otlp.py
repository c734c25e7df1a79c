"""OTLP export: with an endpoint configured, spans and metrics reach a collector (a real
OTLP/gRPC receiver on loopback); without one, nothing is exported over OTLP."""

from __future__ import annotations

from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind

from govnet_kit.telemetry import meter_provider, tracer_provider
from tests.kit.otlp_receiver import otlp_receiver


def test_spans_arrive_at_the_configured_collector(tmp_path):
    trace_file = tmp_path / "spans.jsonl"
    with otlp_receiver() as (endpoint, received):
        provider = tracer_provider(
            "village-room", trace_file=str(trace_file), otlp_endpoint=endpoint
        )
        tracer = provider.get_tracer("test")
        with tracer.start_as_current_span("accept case", kind=SpanKind.SERVER):
            with tracer.start_as_current_span("insert village_case"):
                pass
        assert provider.force_flush(10_000)
        assert received.wait_for(lambda r: len(r.spans) == 2)
        provider.shutdown()
    assert sorted(received.spans) == [
        ("village-room", "accept case", SpanKind.SERVER.value + 1),  # OTLP kinds count from 1
        ("village-room", "insert village_case", SpanKind.INTERNAL.value + 1),
    ]
    # The file export goes on beside it (the single-trace test reads it).
    assert len(trace_file.read_text().splitlines()) == 2


def test_metrics_arrive_at_the_configured_collector():
    with otlp_receiver() as (endpoint, received):
        provider = meter_provider("notify", endpoint, interval_s=3600)
        provider.get_meter("test").create_counter("govnet.test.sent").add(3)
        assert provider.force_flush(10_000)
        assert received.wait_for(lambda r: ("notify", "govnet.test.sent") in r.metrics)
        provider.shutdown()


def test_no_endpoint_no_otlp_exporter():
    provider = tracer_provider("identity")
    processors = provider._active_span_processor._span_processors  # noqa: SLF001
    assert not any(isinstance(p, BatchSpanProcessor) for p in processors)
    provider.shutdown()
