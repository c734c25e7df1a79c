"""Key rotation without downtime: publish the new key, sign with it, drop the old one after the
longest token has expired. Approval credentials keep verifying through every step."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from govnet_kit.auth import TokenVerifier
from govnet_kit.errors import Unauthenticated
from identity.tokens import Signer

A, B = Signer.generate_jwk(), Signer.generate_jwk()


class Identity:
    """Identity's JWKS endpoint, served over real HTTP, with the key set an operator rolls."""

    def __init__(self) -> None:
        self.signer = Signer([A])
        app = Starlette(
            routes=[Route("/.well-known/jwks.json", lambda _r: JSONResponse(self.signer.jwks()))]
        )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Identity:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    def credential(self) -> str:
        token, _ = self.signer.approval_credential(
            {"sub": "dept:forestry", "act": {"sub": "rep"}, "all_items": True, "delegation": "d1"},
            600,
        )
        return token


@pytest.fixture
def identity():
    with Identity() as server:
        yield server


async def test_approvals_keep_verifying_through_a_rotation(identity):
    verifier = TokenVerifier(
        f"http://127.0.0.1:{identity.port}/.well-known/jwks.json", refetch_interval=0.0, max_age=0.2
    )
    old = identity.credential()
    assert (await verifier.approval_credential(old)).department_code == "forestry"

    identity.signer = Signer([A, B], active_kid=A["kid"])  # 1. publish B, still sign with A
    assert await verifier.approval_credential(identity.credential())
    identity.signer = Signer([A, B], active_kid=B["kid"])  # 2. sign with B
    new = identity.credential()
    assert (await verifier.approval_credential(new)).actor_staff_id == "rep"
    assert await verifier.approval_credential(old)  # A's tokens still good while A is published

    identity.signer = Signer([B])  # 3. drop A once A's longest token has expired
    await asyncio.sleep(0.3)  # the verifier's cache ages out
    assert await verifier.approval_credential(new)
    with pytest.raises(Unauthenticated):
        await verifier.approval_credential(old)
