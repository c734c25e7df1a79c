"""The Kubernetes manifests (deploy/): they render, validate, and keep the platform's rules.

Every overlay is rendered with `kubectl kustomize`. Built-in objects are validated against the
Kubernetes schemas (kubernetes-validate, strict: unknown fields fail), custom resources against
the hand-written schemas in schemas/. Then the rules of issue 9 are checked for every Deployment
(probes, resources, hardened security context, labels, named ports, migrations first) and the
manifests are compared with each service's settings class, so a setting added in config.py
without its variable in the manifest fails here.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter

import jsonschema
import kubernetes_validate
import pytest
from deploykit import (
    EXTRA_ENV,
    METRICS_PORT,
    NATS_PORT,
    OLDEST_KUBERNETES,
    OVERLAYS,
    ROOT,
    SCHEMAS,
    SERVICES,
    Obj,
    container_env,
    containers,
    find,
    is_builtin,
    labels,
    of_kind,
    pod_spec,
    secret_fields,
)

PAIRS = [(o, s) for o in OVERLAYS for s in SERVICES]
PAIR_IDS = [f"{o}-{s}" for o, s in PAIRS]

# Hand-written schemas of the custom resources (see each file's $comment).
CUSTOM_SCHEMAS = {
    ("postgresql.cnpg.io/v1", "Cluster"): "cnpg-cluster.json",
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): "cnpg-scheduledbackup.json",
    ("barmancloud.cnpg.io/v1", "ObjectStore"): "barman-objectstore.json",
}
RECOMMENDED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/component",
)


# -- rendering and schemas -----------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_namespaced_and_unique(rendered, overlay):
    objs = rendered[overlay]
    assert objs, f"{overlay} rendered nothing"
    namespaces = {o["metadata"]["name"] for o in of_kind(objs, "Namespace")}
    assert len(namespaces) == 1, namespaces
    for o in objs:
        if o["kind"] != "Namespace":
            assert o["metadata"].get("namespace") in namespaces, (o["kind"], o["metadata"])
    dupes = [
        k for k, n in Counter((o["kind"], o["metadata"]["name"]) for o in objs).items() if n > 1
    ]
    assert not dupes


def _unique_builtin_objects(rendered) -> list[Obj]:
    """Built-in objects of every overlay, each distinct one once (the overlays share most)."""
    seen: dict[str, Obj] = {}
    for objs in rendered.values():
        for o in objs:
            if is_builtin(o):
                seen.setdefault(json.dumps(o, sort_keys=True), o)
    return list(seen.values())


@pytest.mark.parametrize(
    "version", [OLDEST_KUBERNETES, kubernetes_validate.latest_version()], ids=lambda v: f"k8s-{v}"
)
def test_builtin_objects_validate_against_kubernetes_schemas(rendered, version, monkeypatch):
    # kubernetes-validate reads its schema files (1.3 MB of definitions) on every call; reading
    # each once makes this test seven times faster. The validation itself is unchanged.
    if hasattr(kubernetes_validate.utils, "schema_contents"):
        cached = functools.lru_cache(maxsize=None)(kubernetes_validate.utils.schema_contents)
        monkeypatch.setattr(kubernetes_validate.utils, "schema_contents", cached)
    errors = []
    for o in _unique_builtin_objects(rendered):
        try:
            kubernetes_validate.validate(o, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            errors.append(f"{o['kind']}/{o['metadata']['name']}: {path}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{o['kind']}/{o['metadata']['name']}: {exc.message}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_custom_resources_validate_against_hand_written_schemas(rendered, overlay):
    custom = [o for o in rendered[overlay] if not is_builtin(o)]
    assert of_kind(custom, "Cluster"), "no PostgreSQL clusters"
    for o in custom:
        key = (o["apiVersion"], o["kind"])
        assert key in CUSTOM_SCHEMAS, f"custom resource without a schema in schemas/: {key}"
        schema = json.loads((SCHEMAS / CUSTOM_SCHEMAS[key]).read_text())
        jsonschema.Draft202012Validator(schema).validate(o)


def test_hand_written_schemas_catch_mistakes():
    """The subsets are strict enough to matter: a typo or a wrong type fails."""
    schema = json.loads((SCHEMAS / "cnpg-cluster.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    good = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": "x-db"},
        "spec": {"instances": 1, "storage": {"size": "1Gi"}},
    }
    jsonschema.validate(good, schema)
    for bad_spec in (
        {"instances": 0, "storage": {"size": "1Gi"}},
        {"instances": 1, "storage": {"size": "1Gi"}, "instance": 3},
        {"instances": "3", "storage": {"size": "1Gi"}},
        {"instances": 1},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, "spec": bad_spec}, schema)


# -- labels, secrets -----------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_has_the_recommended_labels(rendered, overlay):
    for o in rendered[overlay]:
        missing = [k for k in RECOMMENDED_LABELS if k not in labels(o)]
        assert not missing, f"{o['kind']}/{o['metadata']['name']} lacks {missing}"
        assert labels(o)["app.kubernetes.io/part-of"] == "govnet"
        template = o.get("spec", {}).get("template")
        if template:
            tl = template["metadata"]["labels"]
            assert all(k in tl for k in RECOMMENDED_LABELS), (o["metadata"]["name"], tl)


SECRETISH = re.compile(r"SECRET|PASSWORD|SIGNING_KEY|TOKEN$|PRIVATE", re.I)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_values_in_the_manifests(rendered, overlay):
    objs = rendered[overlay]
    assert not of_kind(objs, "Secret"), "Secrets are created in the cluster, never kept here"
    for config in of_kind(objs, "ConfigMap"):
        for key in config.get("data", {}):
            assert not SECRETISH.search(key), f"{config['metadata']['name']}: {key}"
    for o in objs:
        if "template" not in o.get("spec", {}):
            continue
        for c in containers(o):
            for entry in c.get("env", []):
                if SECRETISH.search(entry["name"]):
                    assert "secretKeyRef" in entry.get("valueFrom", {}), (c["name"], entry)
    for store in of_kind(objs, "ObjectStore"):
        creds = store["spec"]["configuration"]["s3Credentials"]
        assert all(set(ref) == {"name", "key"} for ref in creds.values()), creds


# -- every Deployment ------------------------------------------------------------------------


@pytest.mark.parametrize(("overlay", "service"), PAIRS, ids=PAIR_IDS)
def test_deployment_rules(rendered, overlay, service):
    svc = SERVICES[service]
    objs = rendered[overlay]
    dep = find(objs, "Deployment", service)
    spec = pod_spec(dep)
    selector = dep["spec"]["selector"]["matchLabels"]
    assert selector == {"app.kubernetes.io/name": service, "app.kubernetes.io/component": "server"}
    assert labels(dep)["app.kubernetes.io/name"] == service

    # Pod: non-root, seccomp, no service account token, no injected service variables.
    psc = spec["securityContext"]
    assert psc["runAsNonRoot"] is True and psc["runAsUser"] >= 1000
    assert psc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    assert spec["enableServiceLinks"] is False
    assert find(objs, "ServiceAccount", spec["serviceAccountName"])

    # /tmp is the only writable place.
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes["tmp"]

    # Migrations first: an init container of the same image runs `migrate`.
    (init,) = spec["initContainers"]
    (main,) = spec["containers"]
    assert init["args"] == ["migrate"] and main["args"] == ["serve"]
    assert init["image"] == main["image"]

    for c in containers(dep):
        image = c["image"]
        assert image.rsplit("/", 1)[-1].startswith(f"{service}:"), image
        tag = image.rsplit(":", 1)[-1]
        assert ":" in image and tag and tag != "latest", image
        sc = c["securityContext"]
        assert sc["runAsNonRoot"] is True and sc["runAsUser"] >= 1000
        assert sc["readOnlyRootFilesystem"] is True
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"] == {"drop": ["ALL"]}
        assert sc["seccompProfile"] == {"type": "RuntimeDefault"}
        res = c["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(res[kind]), (c["name"], res)
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        assert mounts.get("/tmp") == "tmp"

    # Named ports on the architecture's numbers, and probes on them.
    ports = {p["name"]: p["containerPort"] for p in main["ports"]}
    assert ports == {"http": svc.http, "grpc": svc.grpc, "metrics": METRICS_PORT}
    # Prometheus finds the metrics port by the pod's annotations.
    annotations = dep["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(METRICS_PORT),
        "prometheus.io/path": "/metrics",
    }
    assert main["readinessProbe"]["grpc"]["port"] == svc.grpc
    assert main["startupProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert main["lifecycle"]["preStop"]

    # The Service exposes both, by name; never the metrics port.
    service_obj = find(objs, "Service", service)
    assert service_obj["spec"]["selector"] == selector
    sports = {p["name"]: (p["port"], p["targetPort"]) for p in service_obj["spec"]["ports"]}
    assert sports == {"http": (svc.http, "http"), "grpc": (svc.grpc, "grpc")}


@pytest.mark.parametrize(("overlay", "service"), PAIRS, ids=PAIR_IDS)
def test_manifest_sets_every_setting_of_the_service(rendered, overlay, service, monkeypatch):
    """Each field of the settings class is a variable of both containers, and nothing else is:
    secrets from a Secret reference, the rest from the ConfigMap. Values parse as settings."""
    svc = SERVICES[service]
    settings = svc.settings_class()
    assert settings.model_config["env_prefix"] == svc.prefix
    expected = {svc.prefix + f.upper() for f in settings.model_fields}
    secrets = {svc.prefix + f.upper() for f in secret_fields(settings)}
    objs = rendered[overlay]
    dep = find(objs, "Deployment", service)
    for c in containers(dep):
        env = container_env(objs, c)
        prefixed = {k for k in env if k.startswith(svc.prefix)}
        assert sorted(expected - prefixed) == [], f"{c['name']}: settings missing in the manifest"
        assert sorted(prefixed - expected) == [], f"{c['name']}: variables no setting reads"
        assert set(env) - prefixed <= EXTRA_ENV, set(env) - prefixed - EXTRA_ENV
        for name in secrets:
            assert "secretKeyRef" in env[name].get("valueFrom", {}), f"{name} must be a Secret ref"
        for name in expected - secrets:
            assert "configMap" in env[name], f"{name} belongs in the ConfigMap"

    # The service starts on these variables: its settings class reads them from the
    # environment, as in the pod (dummy values where the cluster has Secrets).
    for key in list(os.environ):
        if key.startswith(svc.prefix):
            monkeypatch.delenv(key)
    config = find(objs, "ConfigMap", f"{service}-config")["data"]
    for key, value in config.items():
        monkeypatch.setenv(key, value)
    for name in secrets:
        monkeypatch.setenv(name, "{}" if name.endswith("SERVICE_CLIENTS") else "x" * 32)
    parsed = settings()
    assert parsed.http_port == svc.http and parsed.grpc_port == svc.grpc
    assert parsed.metrics_port == METRICS_PORT and parsed.metrics_host == "0.0.0.0"
    assert parsed.stream_replicas == (1 if overlay == "dev" else 3), "one per NATS server"
    assert parsed.otlp_endpoint == ("http://otel-collector:4317" if overlay == "prod+otel" else "")
    assert parsed.http_host == parsed.grpc_host == "0.0.0.0"
    assert parsed.database_url.startswith("postgresql+asyncpg://")
    assert parsed.environment == ("dev" if overlay == "dev" else "prod")


@pytest.mark.parametrize(("overlay", "service"), PAIRS, ids=PAIR_IDS)
def test_addresses_point_at_the_right_services(rendered, overlay, service):
    """Every URL and gRPC target in the ConfigMap names a rendered Service on its port."""
    svc = SERVICES[service]
    objs = rendered[overlay]
    config = find(objs, "ConfigMap", f"{service}-config")["data"]
    p = svc.prefix
    targets = {k: v for k, v in config.items() if k.endswith("_GRPC_TARGET")}
    assert set(targets) == {p + "IDENTITY_GRPC_TARGET"} | {
        f"{p}{SERVICES[peer].prefix}GRPC_TARGET" for peer in svc.calls
    }
    for value in targets.values():
        host, port = value.split(":")
        assert int(port) == SERVICES[host].grpc
        assert find(objs, "Service", host)
    assert config[p + "IDENTITY_HTTP_URL"] == f"http://identity:{SERVICES['identity'].http}"
    assert config[p + "NATS_URL"] == f"nats://nats:{NATS_PORT}"
    assert find(objs, "Service", "nats")
    host = config[p + "DATABASE_URL"].split("@", 1)[1].split(":")[0]
    assert host == f"{service}-db-rw", "the read-write Service of its own CloudNativePG cluster"
    assert find(objs, "Cluster", f"{service}-db")


@pytest.mark.parametrize(("overlay", "service"), PAIRS, ids=PAIR_IDS)
def test_one_service_deploys_on_its_own(rendered, overlay, service):
    """`kubectl apply -k ... -l 'app.kubernetes.io/name in (govnet,nats,<service>)'` (the
    operations guide) selects the service's objects and all they refer to."""
    objs = rendered[overlay]
    picked = [o for o in objs if labels(o)["app.kubernetes.io/name"] in ("govnet", "nats", service)]
    kinds = Counter(o["kind"] for o in picked if labels(o)["app.kubernetes.io/name"] == service)
    for kind in ("ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget"):
        assert kinds[kind] == 1, (kind, kinds)
    assert kinds["Cluster"] == 1 and kinds["NetworkPolicy"] >= 2
    dep = find(picked, "Deployment", service)
    for c in containers(dep):
        for source in c.get("envFrom", []):
            find(picked, "ConfigMap", source["configMapRef"]["name"])
    assert of_kind(picked, "Namespace")
    assert find(picked, "NetworkPolicy", "default-deny")
    assert find(picked, "StatefulSet", "nats")


# -- the overlays ----------------------------------------------------------------------------


def test_dev_overlay_is_small(rendered):
    objs = rendered["dev"]
    assert not of_kind(objs, "HorizontalPodAutoscaler")
    for dep in of_kind(objs, "Deployment"):
        assert dep["spec"]["replicas"] == 1
    assert find(objs, "StatefulSet", "nats")["spec"]["replicas"] == 1
    for cluster in of_kind(objs, "Cluster"):
        assert cluster["spec"]["instances"] == 1
        assert "plugins" not in cluster["spec"], "no object store in dev"
    assert not of_kind(objs, "ScheduledBackup")


@pytest.mark.parametrize("overlay", ["prod", "prod+otel"])
def test_prod_overlay_is_highly_available_and_backed_up(rendered, overlay):
    objs = rendered[overlay]
    for name in SERVICES:
        dep = find(objs, "Deployment", name)
        assert "replicas" not in dep["spec"], "the autoscaler owns the replica count"
        hpa = find(objs, "HorizontalPodAutoscaler", name)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert hpa["spec"]["minReplicas"] >= 3
        pdb = find(objs, "PodDisruptionBudget", name)
        assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]
        assert pdb["spec"]["selector"]["matchLabels"] == dep["spec"]["selector"]["matchLabels"]
        cluster = find(objs, "Cluster", f"{name}-db")
        assert cluster["spec"]["instances"] == 3
        (plugin,) = cluster["spec"]["plugins"]
        assert plugin["isWALArchiver"] is True
        find(objs, "ObjectStore", plugin["parameters"]["barmanObjectName"])
        backups = [
            b
            for b in of_kind(objs, "ScheduledBackup")
            if b["spec"]["cluster"]["name"] == f"{name}-db"
        ]
        assert len(backups) == 1 and backups[0]["spec"]["method"] == "plugin"
    nats = find(objs, "StatefulSet", "nats")
    assert nats["spec"]["replicas"] == 3
    assert find(objs, "Service", "nats-headless")["spec"]["clusterIP"] == "None"
    config = next(
        c for c in of_kind(objs, "ConfigMap") if c["metadata"]["name"].startswith("nats-config")
    )
    conf = config["data"]["nats.conf"]
    assert "jetstream" in conf
    for i in range(3):
        assert f"nats://nats-{i}.nats-headless:6222" in conf
    # Edge nodes: the JetStream domain their leaf configuration maps to, the leaf-node listener
    # with TLS and one credential per node from the Secret nats-leaf, and its Service port.
    edge_leaf = (ROOT / "deploy" / "edge" / "leafnode.conf").read_text()
    assert "$JS.govnet.API" in edge_leaf and re.search(r"^\s*domain: govnet$", conf, re.M)
    leaf = conf[conf.index("leafnodes {") :]
    assert "port: 7422" in leaf and "cert_file: /etc/nats-leaf/tls.crt" in leaf
    assert "include ../nats-leaf/users.conf" in leaf  # relative to /etc/nats
    spec = nats["spec"]["template"]["spec"]
    (server,) = spec["containers"]
    assert {"name": "leafnodes", "containerPort": 7422, "protocol": "TCP"} in server["ports"]
    mounts = {m["name"]: m["mountPath"] for m in server["volumeMounts"]}
    assert mounts["config"] == "/etc/nats" and mounts["leaf"] == "/etc/nats-leaf"
    volume = next(v for v in spec["volumes"] if v["name"] == "leaf")
    assert volume["secret"]["secretName"] == "nats-leaf"
    service_ports = {p["name"]: p for p in find(objs, "Service", "nats")["spec"]["ports"]}
    assert service_ports["leafnodes"]["port"] == 7422
    assert service_ports["leafnodes"]["targetPort"] == "leafnodes"


def test_otel_component_points_services_at_the_collector(rendered):
    objs = rendered["prod+otel"]
    collector = find(objs, "Deployment", "otel-collector")
    assert pod_spec(collector)["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
    for name, svc in SERVICES.items():
        config = find(objs, "ConfigMap", f"{name}-config")["data"]
        assert config[svc.prefix + "OTLP_ENDPOINT"] == "http://otel-collector:4317"
    assert "otel-collector" not in {
        d["metadata"]["name"] for d in of_kind(rendered["prod"], "Deployment")
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_images_are_pinned_and_name_no_registry(rendered, overlay):
    """Every container image has a tag other than latest, and names no registry host: the
    overlay's `images:` sets the registry of a given cluster."""
    for o in rendered[overlay]:
        if "template" not in o.get("spec", {}):
            continue
        for c in containers(o):
            repo, _, tag = c["image"].rpartition(":")
            assert repo and tag and tag != "latest" and "/" not in tag, c["image"]
            first = repo.split("/")[0]
            assert "/" not in repo or "." not in first, f"{c['image']}: names a registry host"
