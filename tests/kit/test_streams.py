"""The streams' replica count comes from settings and reaches the server (a real nats-server)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from nats.js.errors import APIError

from govnet_kit.messaging import STREAMS, NatsLink, ensure_streams
from govnet_kit.settings import ServiceSettings
from tests.harness import free_port

BIN = Path(sys.executable).parent


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "nats-server"), "-js", "-sd", str(tmp_path / "js"), "-a", "127.0.0.1"]
        + ["-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_default_is_one_replica():
    settings = ServiceSettings(http_port=1, grpc_port=2, database_url="sqlite+aiosqlite://")
    assert settings.stream_replicas == 1


async def test_streams_are_created_and_updated_with_the_configured_replicas(nats_url):
    link = NatsLink(nats_url, stream_replicas=1)
    await link.connect()
    try:
        js = await link.ready()
        for stream in STREAMS:
            assert (await js.stream_info(stream.name)).config.num_replicas == 1
        # Asking for three copies reaches the server, which refuses them: it is one server,
        # not a cluster (the production cluster takes them; overlays/prod sets 3).
        with pytest.raises(APIError, match="replicas > 1 not supported"):
            await ensure_streams(js, replicas=3)
        # Creating again with the same count is an update that changes nothing.
        await ensure_streams(js, replicas=1)
        for stream in STREAMS:
            assert (await js.stream_info(stream.name)).config.num_replicas == 1
    finally:
        await link.close()
