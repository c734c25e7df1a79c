"""deploy/make_secrets.py: the Secrets it prints are the ones the manifests refer to, and the
services accept their values."""

from __future__ import annotations

import importlib.util
import os

import pytest
from deploykit import DEPLOY, OVERLAYS, SERVICES, containers, of_kind


def _helper():
    spec = importlib.util.spec_from_file_location("make_secrets", DEPLOY / "make_secrets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_required_secret_reference_is_generated(rendered):
    made = {s["metadata"]["name"]: s for s in _helper().secrets("govnet")}
    for overlay in OVERLAYS:
        for dep in of_kind(rendered[overlay], "Deployment"):
            for c in containers(dep):
                for entry in c.get("env", []):
                    ref = entry.get("valueFrom", {}).get("secretKeyRef")
                    if not ref or ref.get("optional") or ref["name"].endswith("-db-app"):
                        continue  # optional, or made by CloudNativePG
                    assert ref["name"] in made, (dep["metadata"]["name"], ref)
                    assert ref["key"] in made[ref["name"]]["stringData"], ref


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_services_accept_the_generated_values(service, monkeypatch):
    made = {s["metadata"]["name"]: s["stringData"] for s in _helper().secrets("govnet")}
    svc = SERVICES[service]
    for key in list(os.environ):
        if key.startswith(svc.prefix):
            monkeypatch.delenv(key)
    if service == "identity":
        monkeypatch.setenv("IDENTITY_SIGNING_KEY", made["identity-secrets"]["signing-key"])
        monkeypatch.setenv("IDENTITY_SERVICE_CLIENTS", made["identity-secrets"]["service-clients"])
        settings = svc.settings_class()()
        assert len(settings.private_jwks()) == 1
        clients = {k: v.get_secret_value() for k, v in settings.service_clients.items()}
        for other, data in made.items():
            if other != "identity-secrets":
                assert clients[other.removesuffix("-secrets")] == data["client-secret"]
    else:
        monkeypatch.setenv(f"{svc.prefix}CLIENT_ID", service)
        monkeypatch.setenv(
            f"{svc.prefix}CLIENT_SECRET", made[f"{service}-secrets"]["client-secret"]
        )
        svc.settings_class()()  # refuses a client secret shorter than 16 characters


def test_demo_password_only_on_request():
    helper = _helper()
    assert "demo-password" not in helper.secrets("govnet")[0]["stringData"]
    assert helper.secrets("govnet-dev", demo_password=True)[0]["stringData"]["demo-password"]
