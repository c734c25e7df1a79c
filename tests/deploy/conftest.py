"""Fixtures of the deploy tests: every overlay rendered once per session with kustomize."""

from __future__ import annotations

import pytest
from deploykit import DEPLOY, Obj, kubectl, overlay_with_otel, render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Obj]]:
    if kubectl() is None:
        pytest.skip(
            "kubectl (with kustomize) is not installed, so the overlays cannot be rendered here; "
            "the machine image of development and CI ships it at /usr/bin/kubectl"
        )
    return {
        "dev": render(DEPLOY / "overlays" / "dev"),
        "prod": render(DEPLOY / "overlays" / "prod"),
        "prod+otel": render(overlay_with_otel(tmp_path_factory.mktemp("otel"))),
    }
