"""What the deploy tests share: the services, rendering overlays with kustomize, small lookups.

Imported by the tests in this folder (pytest puts the folder on sys.path).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import SecretStr
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMAS = Path(__file__).resolve().parent / "schemas"

# The Kubernetes versions the built-in objects are validated against: the oldest the manifests
# support (native gRPC probes are GA since 1.27; the preStop `sleep` action is on by default
# since 1.30) and the newest kubernetes-validate ships, so a removed API fails early.
OLDEST_KUBERNETES = "1.30.0"

Obj = dict[str, Any]


@dataclass(frozen=True)
class Service:
    name: str
    http: int
    grpc: int
    settings: str  # "<module>:<class>"
    tier: bool
    # The services it calls over gRPC (docs/architecture.md, "gRPC edges").
    calls: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        return self.name.upper().replace("-", "_") + "_"

    def settings_class(self) -> type[BaseSettings]:
        module, cls = self.settings.split(":")
        return getattr(importlib.import_module(module), cls)


# The ports table of README.md and the gRPC edges of docs/architecture.md.
SERVICES = {
    s.name: s
    for s in (
        Service(
            "city-center", 8001, 50051, "city_center.config:CityCenterSettings", True, ("notify",)
        ),
        Service(
            "town-hall",
            8002,
            50052,
            "town_hall.config:TownHallSettings",
            True,
            ("city-center", "notify"),
        ),
        Service(
            "village-room",
            8003,
            50053,
            "village_room.config:VillageRoomSettings",
            True,
            ("town-hall", "notify"),
        ),
        Service("identity", 8004, 50054, "identity.config:IdentitySettings", False, ("notify",)),
        Service("notify", 8005, 50055, "notify.config:NotifySettings", False),
    )
}
NATS_PORT = 4222

# dev and prod as shipped, and prod with the optional OpenTelemetry collector component.
OVERLAYS = ("dev", "prod", "prod+otel")

# Environment variables a container may have besides its service's settings: the libpq
# variables that asyncpg reads.
EXTRA_ENV = {"PGPASSWORD", "PGSSLMODE", "PGSSLROOTCERT"}
# Every service's Prometheus port (settings.metrics_port), named `metrics` in the pod.
METRICS_PORT = 9464


def kubectl() -> str | None:
    return shutil.which("kubectl")


def render(directory: Path) -> list[Obj]:
    """`kubectl kustomize <directory>`, parsed."""
    out = subprocess.run(
        [kubectl() or "kubectl", "kustomize", str(directory)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def overlay_with_otel(workdir: Path) -> Path:
    """A copy of deploy/ whose prod overlay adds the optional otel-collector component, the way
    components/otel-collector/kustomization.yaml tells an operator to."""
    shutil.copytree(DEPLOY, workdir / "deploy")
    overlay = workdir / "deploy" / "overlays" / "prod"
    with open(overlay / "kustomization.yaml", "a") as f:
        f.write("components:\n- ../../components/otel-collector\n")
    return overlay


def is_builtin(obj: Obj) -> bool:
    """apps/v1, v1, networking.k8s.io/v1, ...: a group with no dot or one under k8s.io."""
    api = obj["apiVersion"]
    group = api.split("/")[0] if "/" in api else ""
    return "." not in group or group.endswith(".k8s.io")


def of_kind(objs: Iterable[Obj], kind: str) -> list[Obj]:
    return [o for o in objs if o["kind"] == kind]


def find(objs: Iterable[Obj], kind: str, name: str) -> Obj:
    matches = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def labels(obj: Obj) -> dict[str, str]:
    return obj["metadata"].get("labels") or {}


def pod_spec(obj: Obj) -> Obj:
    return obj["spec"]["template"]["spec"]


def containers(obj: Obj) -> Iterator[Obj]:
    spec = pod_spec(obj)
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def service_deployment(objs: Iterable[Obj], service: str) -> Obj:
    return find(objs, "Deployment", service)


def container_env(objs: list[Obj], container: Obj) -> dict[str, Obj]:
    """Every variable a container gets: its ConfigMaps' keys (envFrom) and its env entries.

    The value is the env entry, or {"name": key, "configMap": name} for a ConfigMap key.
    """
    env: dict[str, Obj] = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        assert ref, f"{container['name']}: envFrom other than a ConfigMap: {source}"
        config = find(objs, "ConfigMap", ref["name"])
        for key in config.get("data", {}):
            env[key] = {"name": key, "configMap": ref["name"]}
    for entry in container.get("env", []):
        env[entry["name"]] = entry
    return env


def secret_fields(settings: type[BaseSettings]) -> set[str]:
    """Fields that hold secrets: SecretStr, or containers of SecretStr (identity's clients)."""
    out = set()
    for name, field in settings.model_fields.items():
        text = repr(field.annotation)
        if field.annotation is SecretStr or "SecretStr" in text:
            out.add(name)
    return out


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())
