"""The village service room process: one service for many villages (decision 4)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet.villageroom.v1 import village_room_pb2_grpc
from govnet_kit import catalog_replica, dead_letters, retention
from govnet_kit.consumer import DurableConsumer
from govnet_kit.messaging import CASE_STREAM, CATALOG_STREAM, NatsLink
from govnet_kit.ratelimit import FailureLimiter
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app, session_router
from village_room.agency.router import router as agency_router
from village_room.applicant.router import router as applicant_router
from village_room.assessment.router import router as assessment_router
from village_room.case import service as case_service
from village_room.case.flows import Links, handle_status
from village_room.case.guide import router as guide_router
from village_room.case.router import router as case_router
from village_room.case.servicer import PUBLIC_METHODS, VillageRoomServicer
from village_room.config import VillageRoomSettings
from village_room.consultation.router import router as consultation_router
from village_room.development.router import router as development_router
from village_room.edge import Uplink, durable_subjects, equip
from village_room.fee.router import router as fee_router
from village_room.mediation.router import router as mediation_router
from village_room.outbox.router import router as outbox_router
from village_room.privacy.retention import SPEC as RETENTION
from village_room.privacy.router import router as privacy_router
from village_room.proposal.router import router as proposal_router
from village_room.room.router import router as room_router
from village_room.roster.router import router as roster_router
from village_room.visit.router import router as visit_router
from village_room.web.router import router as web_router
from village_room.welfare.router import router as welfare_router


def build(settings: VillageRoomSettings) -> tuple[Runtime, FastAPI]:
    runtime = Runtime(settings)
    uplink = equip(runtime, settings.key_cache_file) if settings.edge_node else None
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
    app.state.uplink = uplink
    # One limiter for the HTTP and gRPC look-ups, so guessing over both counts once.
    app.state.lookup_limiter = FailureLimiter(**case_service.LOOKUP_LIMIT)
    app.include_router(session_router())
    app.include_router(visit_router)
    app.include_router(case_router)
    app.include_router(applicant_router)
    app.include_router(guide_router)
    app.include_router(fee_router)
    app.include_router(privacy_router)
    app.include_router(room_router)
    app.include_router(roster_router)
    app.include_router(agency_router)
    app.include_router(consultation_router)
    app.include_router(welfare_router)
    app.include_router(mediation_router)
    app.include_router(development_router)
    app.include_router(proposal_router)
    app.include_router(assessment_router)
    app.include_router(web_router)
    app.include_router(outbox_router)
    return runtime, app


def consumers(
    link: NatsLink,
    sessions: async_sessionmaker[AsyncSession],
    *,
    after_commit: Callable[[], None] | None = None,
    edge_node: str = "",
    edge_places: list[str] | None = None,
) -> list[DurableConsumer]:
    """The durable consumers; what they give up on goes to the dead-letter store.

    An edge node has durables of its own (two nodes sharing one would split its messages), and
    takes only its places' status events."""
    name = f"village-room-edge-{edge_node}" if edge_node else "village-room"
    catalog = DurableConsumer(
        link,
        sessions,
        durable=f"{name}-catalog",
        stream=CATALOG_STREAM.name,
        subjects=catalog_replica.CATALOG_SUBJECTS,
        handler=catalog_replica.handle_published,
        on_dead_letter=dead_letters.record,
    )
    # Decisions come down from the township or the city (decision 1).
    decisions = DurableConsumer(
        link,
        sessions,
        durable=f"{name}-cases",
        stream=CASE_STREAM.name,
        subjects=(
            durable_subjects(edge_places or [])
            if edge_node
            else ["govnet.case.status.town.>", "govnet.case.status.city.>"]
        ),
        handler=handle_status,
        after_commit=after_commit,
        on_dead_letter=dead_letters.record,
    )
    return [catalog, decisions]


async def serve(settings: VillageRoomSettings) -> None:
    runtime, app = build(settings)
    servicer = VillageRoomServicer(runtime, app.state.lookup_limiter)
    uplink: Uplink | None = app.state.uplink
    await runtime.serve(
        app,
        register_grpc=[
            lambda s: village_room_pb2_grpc.add_VillageRoomServiceServicer_to_server(servicer, s)
        ],
        public_methods=PUBLIC_METHODS,
        tasks=[
            *(
                c.run
                for c in consumers(
                    runtime.nats,
                    runtime.sessions,
                    after_commit=runtime.committed,
                    edge_node=settings.edge_node,
                    edge_places=settings.edge_places,
                )
            ),
            *retention.tasks(settings, runtime.sessions, RETENTION),
            *([uplink.run] if uplink else []),
        ],
    )
