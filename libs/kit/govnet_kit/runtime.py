"""One event loop per process: HTTP, gRPC, NATS and background work, with ordered shutdown.

On SIGTERM/SIGINT: health NOT_SERVING, stop gRPC with grace, stop HTTP, cancel background
loops, drain NATS, dispose the engine (rule 12).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable

import grpc
import uvicorn
from fastapi import FastAPI
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from opentelemetry.instrumentation.grpc import aio_server_interceptor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit import pii, tls
from govnet_kit.auth import ApprovalCredential, TokenVerifier
from govnet_kit.calls import CallHandler, CallRelay
from govnet_kit.consumer import DurableConsumer
from govnet_kit.db import make_engine, make_sessionmaker, ping
from govnet_kit.errors import PermissionDenied, Unavailable
from govnet_kit.grants import RevokedGrants
from govnet_kit.grpcutil import MESSAGE_OPTIONS, AuthInterceptor, ServiceTokenSource, channel
from govnet_kit.messaging import NatsLink, OutboxRelay
from govnet_kit.metrics import (
    ConsumerRef,
    Metrics,
    consumers_source,
    outbox_source,
    pending_calls_source,
)
from govnet_kit.settings import ServiceSettings
from govnet_kit.telemetry import flush_telemetry, setup_logging, setup_tracing, spans_exported

log = logging.getLogger(__name__)

Task = Callable[[], Awaitable[None]]


class Runtime:
    """The handles a service shares between its edges: settings, database, NATS, auth, relays."""

    def __init__(self, settings: ServiceSettings):
        setup_logging(settings.log_level)
        setup_tracing(
            settings.service_name,
            console=settings.trace_console,
            trace_file=settings.trace_file,
            otlp_endpoint=settings.otlp_endpoint,
        )
        pii.configure_from(settings)  # before any encrypted column is read or written
        self.settings = settings
        self.engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
        if spans_exported():  # statement spans are leaves: nobody misses them unexported
            SQLAlchemyInstrumentor().instrument(engine=self.engine.sync_engine)
        self.sessions = make_sessionmaker(self.engine)
        self.nats = NatsLink(settings.nats_url, stream_replicas=settings.stream_replicas)
        self.verifier = TokenVerifier(
            settings.identity_http_url.rstrip("/") + "/.well-known/jwks.json"
        )
        self.outbox = OutboxRelay(self.sessions, self.nats)
        self.calls = CallRelay(self.sessions, {})
        self._tls = tls.channel_credentials(
            settings.grpc_tls_ca_file, settings.grpc_tls_cert_file, settings.grpc_tls_key_file
        )
        self.identity_channel = channel(settings.identity_grpc_target, self._tls)
        self.service_tokens = ServiceTokenSource(
            settings.identity_grpc_target,
            settings.client_id,
            settings.client_secret.get_secret_value(),
            self._tls,
        )
        self.health = health.aio.HealthServicer()
        self.revocations = RevokedGrants()
        self._channels: dict[str, grpc.aio.Channel] = {}
        self.metrics = Metrics()
        self.metrics.add(outbox_source(self.sessions), pending_calls_source(self.sessions))
        self._add_service_metrics(settings)

    def _add_service_metrics(self, settings: ServiceSettings) -> None:
        """The service's own sources: `sources(runtime)` in `<its package>.metrics`, if any
        (the package of its settings class: town_hall.config -> town_hall.metrics)."""
        package = type(settings).__module__.split(".")[0]
        name = f"{package}.metrics"
        if package != __name__.split(".")[0] and importlib.util.find_spec(name) is not None:
            self.metrics.add(*importlib.import_module(name).sources(self))

    def channel_to(self, target: str) -> grpc.aio.Channel:
        if target not in self._channels:
            self._channels[target] = channel(target, self._tls)
        return self._channels[target]

    def register_calls(self, handlers: dict[str, CallHandler]) -> None:
        self.calls = CallRelay(self.sessions, handlers)

    def committed(self) -> None:
        """After a commit that queued events or calls: relay them now rather than at the next poll."""
        self.outbox.wake()
        self.calls.wake()

    async def approval_credential(self, token: str) -> ApprovalCredential:
        """Verify a delegated approval credential: signature and claims, the revocations pushed
        over NATS, and the grant itself re-checked with identity at decision time (A1)."""
        credential = await self.verifier.approval_credential(token)
        self.revocations.check(credential)
        stub = identity_pb2_grpc.IdentityServiceStub(self.identity_channel)
        try:
            resp = await stub.CheckGrant(
                identity_pb2.CheckGrantRequest(
                    delegation_id=credential.delegation_id,
                    substitution_id=credential.substitution_id,
                ),
                metadata=await self.service_tokens.metadata(),
                timeout=5.0,
            )
        except grpc.aio.AioRpcError as exc:
            raise Unavailable(
                "identity could not confirm the grant; try again",
                message_zh="暂时无法核验审批授权，请稍后再试",
            ) from exc
        if not resp.valid:
            raise PermissionDenied(
                f"the grant behind this credential is no longer valid: {resp.reason}",
                message_zh="审批授权已失效",
            )
        return credential

    async def readiness(self) -> dict[str, bool]:
        return {"database": await ping(self.engine), "nats": self.nats.connected}

    async def _watch_health(self) -> None:
        while True:
            ok = all((await self.readiness()).values())
            status = (
                health_pb2.HealthCheckResponse.SERVING
                if ok
                else health_pb2.HealthCheckResponse.NOT_SERVING
            )
            await self.health.set("", status)
            await asyncio.sleep(1.0)

    async def serve(
        self,
        app: FastAPI,
        *,
        register_grpc: Iterable[Callable[[grpc.aio.Server], None]],
        public_methods: frozenset[str] = frozenset(),
        tasks: Iterable[Task] = (),
    ) -> None:
        s = self.settings
        tasks = list(tasks)
        consumers = [
            ConsumerRef(stream=owner._stream, durable=owner.durable)
            for owner in (getattr(t, "__self__", None) for t in tasks)
            if isinstance(owner, DurableConsumer)
        ]
        if consumers:
            self.metrics.add(consumers_source(self.nats, consumers))
        server = grpc.aio.server(
            interceptors=[
                self.metrics.grpc_interceptor(),
                aio_server_interceptor(),
                AuthInterceptor(self.verifier, public_methods, self.sessions, self.revocations),
            ],
            options=MESSAGE_OPTIONS,
        )
        for register in register_grpc:
            register(server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        await self.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
        address = f"{s.grpc_host}:{s.grpc_port}"
        credentials = tls.server_credentials(
            s.grpc_tls_cert_file, s.grpc_tls_key_file, s.grpc_tls_client_ca_file
        )
        if credentials is None:
            server.add_insecure_port(address)
        else:
            server.add_secure_port(address, credentials)
        await server.start()

        http = uvicorn.Server(
            uvicorn.Config(app, host=s.http_host, port=s.http_port, log_config=None, lifespan="on")
        )
        http.install_signal_handlers = lambda: None  # type: ignore[method-assign]

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        background = [asyncio.create_task(self._watch_health(), name="health")]
        background.append(asyncio.create_task(self.nats.connect(), name="nats"))
        background.append(asyncio.create_task(self.outbox.run(), name="outbox"))
        background.append(
            asyncio.create_task(self.revocations.follow(self.nats), name="revocations")
        )
        background.append(asyncio.create_task(self.calls.run(), name="calls"))
        if s.metrics_port:
            background.append(
                asyncio.create_task(
                    self.metrics.serve(s.metrics_host, s.metrics_port), name="metrics"
                )
            )
        background += [asyncio.create_task(t(), name=getattr(t, "__name__", "task")) for t in tasks]
        http_task = asyncio.create_task(http.serve(), name="http")
        log.info(
            "%s serving http://%s:%d grpc %s:%d",
            s.service_name,
            s.http_host,
            s.http_port,
            s.grpc_host,
            s.grpc_port,
        )
        stop_task = asyncio.create_task(stop.wait())
        # Run until told to stop, or until HTTP or a background loop fails; a task that
        # finishes its job (the NATS connect) is not a reason to stop.
        pending: set[asyncio.Task[object]] = {stop_task, http_task, *background}
        while True:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            failed = [t for t in done if not t.cancelled() and t.exception() is not None]
            for task in failed:
                log.error("%s failed: %r", task.get_name(), task.exception())
            if stop_task in done or http_task in done or failed:
                break

        log.info("%s shutting down", s.service_name)
        await self.health.enter_graceful_shutdown()
        await server.stop(grace=5.0)
        http.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(http_task, timeout=5.0)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await self.nats.close()
        await self.service_tokens.close()
        await self.identity_channel.close()
        for ch in self._channels.values():
            await ch.close()
        await self.engine.dispose()
        flush_telemetry()
        log.info("%s stopped", s.service_name)
