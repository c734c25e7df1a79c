"""The township hall process: one service for many townships (decision 4)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.townhall.v1 import town_hall_pb2_grpc
from govnet_kit import catalog_replica, dead_letters, retention
from govnet_kit.consumer import DurableConsumer
from govnet_kit.messaging import CASE_STREAM, CATALOG_STREAM, NatsLink
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app, session_router
from town_hall.appointment.router import router as appointment_router
from town_hall.case.deemed import Sweeper
from town_hall.case.flows import CityLink, handle_city_status
from town_hall.case.retention import SPEC as RETENTION
from town_hall.case.router import router as case_router
from town_hall.case.servicer import TownHallServicer
from town_hall.config import TownHallSettings
from town_hall.fee.router import router as fee_router
from town_hall.notice.router import router as notice_router
from town_hall.report.flows import ReportLink
from town_hall.report.router import router as report_router
from town_hall.web.router import router as web_router


def build(settings: TownHallSettings) -> tuple[Runtime, FastAPI, CityLink]:
    runtime = Runtime(settings)
    city = CityLink(runtime, settings.city_center_grpc_target)
    reports = ReportLink(runtime, settings.city_center_grpc_target)
    runtime.register_calls({**city.handlers(), **reports.handlers()})
    app = build_app(
        runtime,
        title="govnet township hall",
        description="乡镇便民服务大厅: accepts the township's items, decides its own, "
        "escalates city items.",
    )
    app.include_router(session_router())
    app.include_router(case_router)
    app.include_router(fee_router)
    app.include_router(appointment_router)
    app.include_router(notice_router)
    app.include_router(report_router)
    app.include_router(web_router)
    return runtime, app, city


def consumers(
    link: NatsLink,
    sessions: async_sessionmaker[AsyncSession],
    *,
    after_commit: Callable[[], None] | None = None,
) -> list[DurableConsumer]:
    """The durable consumers; what they give up on goes to the dead-letter store."""
    catalog = DurableConsumer(
        link,
        sessions,
        durable="town-hall-catalog",
        stream=CATALOG_STREAM.name,
        subjects=catalog_replica.CATALOG_SUBJECTS,
        handler=catalog_replica.handle_published,
        on_dead_letter=dead_letters.record,
    )
    decisions = DurableConsumer(
        link,
        sessions,
        durable="town-hall-cases",
        stream=CASE_STREAM.name,
        subjects=["govnet.case.status.city.>"],
        handler=handle_city_status,
        after_commit=after_commit,
        on_dead_letter=dead_letters.record,
    )
    return [catalog, decisions]


async def serve(settings: TownHallSettings) -> None:
    runtime, app, city = build(settings)
    servicer = TownHallServicer(runtime, city)
    # The township's own items: their clocks run out in the database, any replica sweeps (L5).
    sweeper = Sweeper(
        runtime.sessions, poll=settings.deadline_sweep_seconds, on_applied=runtime.committed
    )
    await runtime.serve(
        app,
        register_grpc=[
            lambda s: town_hall_pb2_grpc.add_TownHallServiceServicer_to_server(servicer, s)
        ],
        tasks=[
            *(
                c.run
                for c in consumers(runtime.nats, runtime.sessions, after_commit=runtime.committed)
            ),
            sweeper.run,
            *retention.tasks(settings, runtime.sessions, RETENTION),
        ],
    )
