"""The notify process: consumes every case status change and tells the case's recipients (N1)."""

from __future__ import annotations

from fastapi import FastAPI

from govnet.notify.v1 import notify_pb2_grpc
from govnet_kit.consumer import DurableConsumer
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app
from notify.config import NotifySettings
from notify.notification.handlers import STATUS_SUBJECTS, handle_case_status
from notify.notification.servicer import NotifyServicer


def build(settings: NotifySettings) -> tuple[Runtime, FastAPI, DurableConsumer]:
    runtime = Runtime(settings)
    app = build_app(
        runtime,
        title="govnet notify",
        description="Tells applicants and agents of every status change of their case (N1).",
    )
    consumer = DurableConsumer(
        runtime.nats,
        runtime.sessions,
        durable="notify",
        stream="GOVNET_CASES",
        subjects=STATUS_SUBJECTS,
        handler=handle_case_status,
    )
    return runtime, app, consumer


async def serve(settings: NotifySettings) -> None:
    runtime, app, consumer = build(settings)
    servicer = NotifyServicer(runtime)
    await runtime.serve(
        app,
        register_grpc=[lambda s: notify_pb2_grpc.add_NotifyServiceServicer_to_server(servicer, s)],
        tasks=[consumer.run],
    )
