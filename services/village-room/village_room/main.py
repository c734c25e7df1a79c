"""The village service room process: one service for many villages (decision 4)."""

from __future__ import annotations

from fastapi import FastAPI

from govnet.villageroom.v1 import village_room_pb2_grpc
from govnet_kit import catalog_replica
from govnet_kit.consumer import DurableConsumer
from govnet_kit.messaging import CASE_STREAM, CATALOG_STREAM
from govnet_kit.ratelimit import FailureLimiter
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app, session_router
from village_room.applicant.router import router as applicant_router
from village_room.case import service as case_service
from village_room.case.flows import Links, handle_status
from village_room.case.guide import router as guide_router
from village_room.case.router import router as case_router
from village_room.case.servicer import PUBLIC_METHODS, VillageRoomServicer
from village_room.config import VillageRoomSettings
from village_room.fee.router import router as fee_router
from village_room.visit.router import router as visit_router


def build(settings: VillageRoomSettings) -> tuple[Runtime, FastAPI]:
    runtime = Runtime(settings)
    links = Links(
        runtime,
        town_target=settings.town_hall_grpc_target,
        notify_target=settings.notify_grpc_target,
    )
    runtime.register_calls(links.handlers())
    app = build_app(
        runtime,
        title="govnet village service room",
        description="村便民服务室: visit register, agency applications, replies.",
    )
    app.state.links = links
    # One limiter for the HTTP and gRPC look-ups, so guessing over both counts once.
    app.state.lookup_limiter = FailureLimiter(**case_service.LOOKUP_LIMIT)
    app.include_router(session_router())
    app.include_router(visit_router)
    app.include_router(case_router)
    app.include_router(applicant_router)
    app.include_router(guide_router)
    app.include_router(fee_router)
    return runtime, app


async def serve(settings: VillageRoomSettings) -> None:
    runtime, app = build(settings)
    servicer = VillageRoomServicer(runtime, app.state.lookup_limiter)
    catalog = DurableConsumer(
        runtime.nats,
        runtime.sessions,
        durable="village-room-catalog",
        stream=CATALOG_STREAM.name,
        subjects=catalog_replica.CATALOG_SUBJECTS,
        handler=catalog_replica.handle_published,
    )
    # Decisions come down from the township or the city (decision 1).
    decisions = DurableConsumer(
        runtime.nats,
        runtime.sessions,
        durable="village-room-cases",
        stream=CASE_STREAM.name,
        subjects=["govnet.case.status.town.>", "govnet.case.status.city.>"],
        handler=handle_status,
        after_commit=runtime.committed,
    )
    await runtime.serve(
        app,
        register_grpc=[
            lambda s: village_room_pb2_grpc.add_VillageRoomServiceServicer_to_server(servicer, s)
        ],
        public_methods=PUBLIC_METHODS,
        tasks=[catalog.run, decisions.run],
    )
