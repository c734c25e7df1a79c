"""The cross-tier message log (A1-A3): every RPC another service makes is recorded once, as
`rpc.served`, either with the servicer's own work (`access_log.served` in its transaction) or
by the interceptor after it; a call that fails records nothing served."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit import access_log, audit
from govnet_kit.audit import AuditEntry
from govnet_kit.auth import Principal
from govnet_kit.db import transaction
from govnet_kit.errors import Conflict
from govnet_kit.grpcutil import AuthInterceptor
from tests.dbkit import fresh_sessions


class _Verifier:
    async def principal(self, token: str) -> Principal:
        return Principal(subject=f"service:{token}", kind="service")


@pytest_asyncio.fixture
async def served(tmp_path) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], str]]:
    async with fresh_sessions("postgresql", tmp_path) as sessions:

        async def with_work(request: bytes, _context) -> bytes:  # type: ignore[no-untyped-def]
            async with transaction(sessions) as s:
                await audit.append(s, actor="service:test", action="work.done")
                await access_log.served(s)
                if request == b"fail":
                    raise Conflict("the work failed after logging")
            return request

        async def without(request: bytes, _context) -> bytes:  # type: ignore[no-untyped-def]
            return request

        server = grpc.aio.server(interceptors=[AuthInterceptor(_Verifier(), sessions=sessions)])  # type: ignore[arg-type]
        server.add_generic_rpc_handlers(
            [
                grpc.method_handlers_generic_handler(
                    "test.Log",
                    {
                        "WithWork": grpc.unary_unary_rpc_method_handler(with_work),
                        "Without": grpc.unary_unary_rpc_method_handler(without),
                    },
                )
            ]
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        try:
            yield sessions, f"127.0.0.1:{port}"
        finally:
            await server.stop(0)


async def _call(target: str, method: str, payload: bytes) -> grpc.StatusCode:
    async with grpc.aio.insecure_channel(target) as ch:
        try:
            await ch.unary_unary(f"/test.Log/{method}")(
                payload,
                metadata=(("authorization", "Bearer town-hall"), (access_log.CASE, "C-1")),
            )
        except grpc.aio.AioRpcError as exc:
            return exc.code()
    return grpc.StatusCode.OK


async def _actions(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return list(await s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


async def test_each_call_is_logged_once_in_the_servicers_transaction_or_after_it(served):
    sessions, target = served
    assert await _call(target, "WithWork", b"ok") == grpc.StatusCode.OK
    assert await _actions(sessions) == ["work.done", "rpc.served"]
    assert await _call(target, "Without", b"ok") == grpc.StatusCode.OK
    assert await _actions(sessions) == ["work.done", "rpc.served", "rpc.served"]
    async with sessions() as s:
        entries = (await s.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all()
        assert (await audit.verify(s)).ok
    for entry in entries[1:]:
        assert entry.actor == "service:town-hall" and entry.case_number == "C-1"
        assert entry.facts["outcome"] == "ok" and entry.facts["method"].startswith("/test.Log/")


async def test_a_failed_call_logs_nothing_served(served):
    sessions, target = served
    assert await _call(target, "WithWork", b"fail") == grpc.StatusCode.FAILED_PRECONDITION
    assert await _actions(sessions) == []  # the work and its entry rolled back together


async def test_outside_an_rpc_served_records_nothing(served):
    sessions, _ = served
    async with transaction(sessions) as s:
        await access_log.served(s)
    assert await _actions(sessions) == []
