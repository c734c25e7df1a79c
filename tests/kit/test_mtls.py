"""Mutual TLS on a gRPC port: only callers with a certificate from the configured CA get in."""

from __future__ import annotations

import grpc
import pytest
from cryptography.hazmat.primitives import serialization
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from govnet_kit.grpcutil import channel
from govnet_kit.tls import channel_credentials, server_credentials
from tools import devcerts


@pytest.fixture
def certs(tmp_path):
    devcerts.write(tmp_path / "ours", names=("city-center", "integration"))
    # A second CA: its certificates look right but were not issued by ours.
    rogue_ca, rogue_key = devcerts.make_ca("rogue CA")
    cert, key = devcerts.make_leaf("integration", rogue_ca, rogue_key)
    rogue = tmp_path / "rogue"
    rogue.mkdir()
    (rogue / "integration.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (rogue / "integration.key").write_bytes(devcerts._pem_key(key))  # noqa: SLF001
    return tmp_path


@pytest.fixture
async def server(certs):
    ours = certs / "ours"
    srv = grpc.aio.server()
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, srv)
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    creds = server_credentials(
        str(ours / "city-center.pem"), str(ours / "city-center.key"), str(ours / "ca.pem")
    )
    port = srv.add_secure_port("127.0.0.1:0", creds)
    await srv.start()
    yield port
    await srv.stop(grace=None)


async def _check(port: int, credentials) -> grpc.StatusCode:  # type: ignore[no-untyped-def]
    async with channel(f"127.0.0.1:{port}", credentials) as ch:
        try:
            await health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5)
            return grpc.StatusCode.OK
        except grpc.aio.AioRpcError as err:
            return err.code()


async def test_a_client_certificate_from_our_ca_is_let_in(server, certs):
    ours = certs / "ours"
    creds = channel_credentials(
        str(ours / "ca.pem"), str(ours / "integration.pem"), str(ours / "integration.key")
    )
    assert await _check(server, creds) == grpc.StatusCode.OK


async def test_no_client_certificate_is_refused(server, certs):
    assert (
        await _check(server, channel_credentials(str(certs / "ours" / "ca.pem")))
        == grpc.StatusCode.UNAVAILABLE
    )


async def test_a_certificate_from_another_ca_is_refused(server, certs):
    rogue = certs / "rogue"
    creds = channel_credentials(
        str(certs / "ours" / "ca.pem"),
        str(rogue / "integration.pem"),
        str(rogue / "integration.key"),
    )
    assert await _check(server, creds) == grpc.StatusCode.UNAVAILABLE


async def test_plaintext_is_refused(server):
    assert await _check(server, None) == grpc.StatusCode.UNAVAILABLE
