"""The city service center process: catalog owner, decisions, escalations from townships."""

from __future__ import annotations

from fastapi import FastAPI

from city_center.appointment.router import router as appointment_router
from city_center.appraisal.router import router as appraisal_router
from city_center.case import lookup
from city_center.case.deemed import Sweeper
from city_center.case.hand_over_router import router as hand_over_router
from city_center.case.lookup_router import router as lookup_router
from city_center.case.online_flows import OnlineFlows
from city_center.case.online_router import router as online_router
from city_center.case.retention import SPEC as RETENTION
from city_center.case.router import router as case_router
from city_center.case.servicer import PUBLIC_METHODS, CityCenterServicer
from city_center.catalog.admin_router import router as catalog_admin_router
from city_center.catalog.calendar_router import router as calendar_router
from city_center.catalog.router import router as catalog_router
from city_center.complaint.router import router as complaint_router
from city_center.config import CityCenterSettings
from city_center.place.router import router as place_router
from city_center.supervision import flows as supervision_flows
from city_center.supervision.router import router as supervision_router
from city_center.web.router import router as web_router
from govnet.citycenter.v1 import city_center_pb2_grpc
from govnet_kit import retention
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app, session_router


def build(settings: CityCenterSettings) -> tuple[Runtime, FastAPI]:
    runtime = Runtime(settings)
    app = build_app(
        runtime,
        title="govnet city service center",
        description="市行政服务中心: the public catalog, decisions under delegated credentials.",
    )
    app.include_router(session_router())
    app.include_router(catalog_router)
    app.include_router(catalog_admin_router)
    app.include_router(case_router)
    app.include_router(hand_over_router)  # online cases' results, handed over at the city
    app.include_router(lookup_router)
    app.include_router(online_router)  # the applicant's sign-in and online application
    app.state.lookup_limiter = lookup.limiter()  # one for the page and the API
    app.include_router(calendar_router)
    app.include_router(place_router)  # the places register (T3), and its public list
    app.include_router(appointment_router)
    app.include_router(supervision_router)
    app.include_router(complaint_router)
    app.include_router(appraisal_router)
    app.include_router(web_router)
    return runtime, app


async def serve(settings: CityCenterSettings) -> None:
    runtime, app = build(settings)
    servicer = CityCenterServicer(runtime)
    # Calls after commit: an online applicant's contact registered with notify (N1).
    runtime.register_calls(OnlineFlows(runtime, settings.notify_grpc_target).handlers())
    # Clocks run out in the database, not in memory: any replica may sweep (L5).
    sweeper = Sweeper(
        runtime.sessions,
        city_place_code=settings.place_code,
        poll=settings.deadline_sweep_seconds,
        on_applied=runtime.committed,
    )
    await runtime.serve(
        app,
        register_grpc=[
            lambda s: city_center_pb2_grpc.add_CityCenterServiceServicer_to_server(servicer, s)
        ],
        public_methods=PUBLIC_METHODS,
        tasks=[
            sweeper.run,
            *supervision_flows.tasks(runtime),
            *retention.tasks(settings, runtime.sessions, RETENTION),
        ],
    )
