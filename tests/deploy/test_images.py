"""On a machine with a Docker engine: build a service's image from its Dockerfile
(testcontainers) and run it the way the cluster does: a read-only root filesystem, /tmp on a
tmpfs, as the image's non-root user. Elsewhere (these development machines and CI have no
engine) the test is skipped, saying so; test_dockerfiles.py checks every Dockerfile as text."""

from __future__ import annotations

import pytest
from harness import ROOT, docker_available

pytestmark = pytest.mark.skipif(
    not docker_available(),
    reason="no Docker engine here: images are built elsewhere (test_dockerfiles.py parses them)",
)


def test_identity_image_runs_unprivileged_on_a_read_only_root() -> None:
    import docker
    from testcontainers.core.image import DockerImage

    with DockerImage(
        path=str(ROOT), dockerfile_path="services/identity/Dockerfile", tag="govnet/identity:test"
    ) as image:
        client = docker.from_env()
        run = {"read_only": True, "tmpfs": {"/tmp": ""}, "remove": True}
        uid = client.containers.run(str(image), entrypoint="id", command="-u", **run)
        assert uid.decode().strip() == "10001"  # never root
        usage = client.containers.run(str(image), command="--help", **run).decode()
        assert "serve" in usage and "migrate" in usage  # the CLI starts with nothing writable
