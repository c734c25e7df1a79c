"""Identity's gRPC service in the test's own process and event loop: the real servicer behind
the real authenticating interceptor (as `Runtime.serve` stacks it), on a free loopback port,
over a database the test made. Other services' pages relay to it as they would in production.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
from joserfc.jwk import KeySet
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import identity.models  # noqa: F401 - registers the service's tables
from govnet.identity.v1 import identity_pb2_grpc
from govnet_kit.auth import Principal
from govnet_kit.grpcutil import AuthInterceptor, bearer_metadata
from identity.config import IdentitySettings
from identity.main import build
from identity.staff.servicer import PUBLIC_METHODS, IdentityServicer
from identity.tokens import Signer

CITY = "341100000000"


@dataclass
class RunningIdentity:
    target: str
    signer: Signer
    channel: grpc.aio.Channel

    @property
    def keys(self) -> KeySet:
        """The public keys a service verifies identity's tokens with."""
        return KeySet.import_key_set(self.signer.jwks())

    @property
    def stub(self) -> identity_pb2_grpc.IdentityServiceStub:
        return identity_pb2_grpc.IdentityServiceStub(self.channel)

    def token_of(self, principal: Principal, ttl_s: int = 600) -> str:
        """An access token identity would issue this staff member at sign-in."""
        token, _ = self.signer.access_token(
            {
                "sub": principal.subject,
                "kind": "staff",
                "roles": sorted(principal.roles),
                "tier": principal.tier,
                "place": principal.place_code,
                "dept": principal.department_code,
            },
            ttl_s,
        )
        return token

    def as_(self, principal: Principal) -> dict[str, object]:
        return {"metadata": bearer_metadata(self.token_of(principal)), "timeout": 10.0}


@asynccontextmanager
async def identity_server(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[RunningIdentity]:
    settings = IdentitySettings(  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'identity-unused.db'}",
        signing_key=SecretStr(json.dumps(Signer.generate_jwk())),
    )
    runtime, _app, signer = build(settings)
    runtime.sessions = sessions
    server = grpc.aio.server(
        interceptors=[
            AuthInterceptor(runtime.verifier, PUBLIC_METHODS, sessions, runtime.revocations)
        ]
    )
    identity_pb2_grpc.add_IdentityServiceServicer_to_server(
        IdentityServicer(runtime, signer), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield RunningIdentity(f"127.0.0.1:{port}", signer, channel)
    finally:
        await channel.close()
        await server.stop(grace=None)
        await runtime.engine.dispose()
