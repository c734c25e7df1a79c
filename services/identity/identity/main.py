"""The identity service process: JWKS over HTTP, sign-in and credentials over gRPC."""

from __future__ import annotations

from fastapi import FastAPI
from joserfc.jwk import KeySet

from govnet.identity.v1 import identity_pb2_grpc
from govnet_kit.runtime import Runtime
from govnet_kit.web import build_app
from identity.config import IdentitySettings
from identity.staff.servicer import PUBLIC_METHODS, IdentityServicer
from identity.tokens import Signer


def build(settings: IdentitySettings) -> tuple[Runtime, FastAPI, Signer]:
    runtime = Runtime(settings)
    signer = Signer(settings.private_jwks(), settings.active_kid)
    runtime.verifier.set_keys(KeySet.import_key_set(signer.jwks()))
    app = build_app(
        runtime,
        title="govnet identity",
        description="Sign-in, service tokens and delegated approval credentials (A1).",
    )

    @app.get("/.well-known/jwks.json", tags=["keys"])
    async def jwks() -> dict[str, object]:
        return signer.jwks()

    return runtime, app, signer


async def serve(settings: IdentitySettings) -> None:
    runtime, app, signer = build(settings)
    servicer = IdentityServicer(runtime, signer)
    await runtime.serve(
        app,
        register_grpc=[
            lambda s: identity_pb2_grpc.add_IdentityServiceServicer_to_server(servicer, s)
        ],
        public_methods=PUBLIC_METHODS,
    )
