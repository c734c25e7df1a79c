"""HTTP plumbing: the app factory with health endpoints, authentication, sign-in relay."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import grpc
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pydantic import BaseModel, Field

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from govnet_kit.auth import Principal, bearer
from govnet_kit.errors import Unauthenticated, install_http_handlers
from govnet_kit.grpcutil import domain_error
from govnet_kit.metrics import HttpMetricsMiddleware

if TYPE_CHECKING:
    from govnet_kit.runtime import Runtime

SESSION_COOKIE = "govnet_session"


def build_app(runtime: Runtime, *, title: str, description: str) -> FastAPI:
    app = FastAPI(title=title, description=description, docs_url="/docs")
    app.state.runtime = runtime
    install_http_handlers(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ok = all(checks.values())
        return JSONResponse(
            status_code=200 if ok else 503,
            content={"status": "ready" if ok else "not ready", "checks": checks},
        )

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz")
    app.add_middleware(HttpMetricsMiddleware, metrics=runtime.metrics)
    return app


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def get_principal(request: Request) -> Principal:
    """Bearer header for API clients, the HttpOnly session cookie for the tier's pages."""
    token = bearer(request.headers.get("authorization")) or request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthenticated("sign in first", message_zh="请先登录")
    runtime = get_runtime(request)
    principal = await runtime.verifier.principal(token)
    request.state.principal = principal  # so a refusal further on is recorded against them
    # A suspension or password reset ends the sessions opened before it (pages: sign in again).
    runtime.revocations.check_session(principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
CurrentRuntime = Annotated["Runtime", Depends(get_runtime)]


class SignInForm(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class SessionOut(BaseModel):
    access_token: str
    staff_id: str
    display_name: str
    roles: list[str]
    place_code: str
    tier: str
    department_code: str


def set_session_cookie(response: Response, runtime: Runtime, token: str, expires_at: int) -> None:
    """The session a tier keeps for its browser: HttpOnly, SameSite=Strict, Secure in prod."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=runtime.settings.cookie_secure,
        max_age=max(int(expires_at - time.time()), 0),
    )


def session_router() -> APIRouter:
    """Sign-in relayed to identity over gRPC; the token goes back in an HttpOnly cookie too."""
    router = APIRouter(prefix="/api/v1/session", tags=["session"])

    @router.post("", response_model=SessionOut)
    async def sign_in(form: SignInForm, request: Request, response: Response) -> SessionOut:
        runtime = get_runtime(request)
        stub = identity_pb2_grpc.IdentityServiceStub(runtime.identity_channel)
        try:
            resp = await stub.SignIn(
                identity_pb2.SignInRequest(username=form.username, password=form.password),
                timeout=5.0,
            )
        except grpc.aio.AioRpcError as exc:
            raise domain_error(exc) from exc
        set_session_cookie(response, runtime, resp.access_token, resp.expires_at.ToSeconds())
        return SessionOut(
            access_token=resp.access_token,
            staff_id=resp.staff_id,
            display_name=resp.display_name,
            roles=list(resp.roles),
            place_code=resp.place_code,
            tier=resp.tier,
            department_code=resp.department_code,
        )

    @router.delete("", status_code=204)
    async def sign_out(response: Response) -> Response:
        response.delete_cookie(SESSION_COOKIE)
        response.status_code = 204
        return response

    return router
