"""The NetworkPolicies allow exactly the architecture's edges, and nothing else.

The rendered policies are evaluated the way Kubernetes does (a connection needs an egress rule
of the source's policies and an ingress rule of the destination's), for one pod of every kind in
the namespace: each service's server, NATS, each PostgreSQL cluster, the collector when there is
one. The result must equal the edges of docs/architecture.md: village -> town -> city over gRPC,
every service -> NATS and identity (HTTP JWKS and gRPC), the tiers -> notify, each service -> its
own database; NATS servers and database instances among themselves. Traffic from outside (the
tiers' HTTP ports, edge nodes, integration clients) and to outside is checked separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from deploykit import METRICS_PORT, NATS_PORT, OVERLAYS, SERVICES, Obj, of_kind, pod_spec

TIERS = [s for s in SERVICES.values() if s.tier]
LEAF_PORT = 7422  # NATS's leaf-node listener, for edge nodes (deploy/base/nats.conf)


@dataclass(frozen=True)
class Pod:
    kind: str  # service name, "nats", "<service>-db", "otel-collector"
    labels: frozenset[tuple[str, str]]
    ports: frozenset[int]


def pods(objs: list[Obj]) -> list[Pod]:
    out = []
    for o in objs:
        if o["kind"] in ("Deployment", "StatefulSet"):
            spec = pod_spec(o)
            ports = {p["containerPort"] for c in spec["containers"] for p in c.get("ports", [])}
            tl = o["spec"]["template"]["metadata"]["labels"]
            out.append(Pod(o["metadata"]["name"], frozenset(tl.items()), frozenset(ports)))
        elif o["kind"] == "Cluster":
            # CloudNativePG labels its instance pods with cnpg.io/cluster, plus inheritedMetadata.
            pl = {**o["spec"].get("inheritedMetadata", {}).get("labels", {})}
            pl["cnpg.io/cluster"] = o["metadata"]["name"]
            out.append(Pod(o["metadata"]["name"], frozenset(pl.items()), frozenset({5432, 8000})))
    return out


def selects(selector: Obj, pod: Pod) -> bool:
    assert set(selector) <= {"matchLabels"}, f"only matchLabels are evaluated here: {selector}"
    return set(selector.get("matchLabels", {}).items()) <= pod.labels


def peer_matches(peer: Obj, pod: Pod, namespace: str) -> bool:
    """A `from`/`to` entry against a pod of this namespace (an ipBlock is outside traffic)."""
    if "ipBlock" in peer:
        return False
    ns = peer.get("namespaceSelector")
    if ns is not None:
        assert set(ns) <= {"matchLabels"}, ns
        wanted = ns.get("matchLabels", {})
        if wanted and wanted != {"kubernetes.io/metadata.name": namespace}:
            return False
    return selects(peer.get("podSelector", {}), pod)


def rule_allows(rule: Obj, peers_key: str, other: Pod, port: int, namespace: str) -> bool:
    ports = rule.get("ports")
    if ports is not None:
        assert all(isinstance(p["port"], int) for p in ports), ports
        if port not in {p["port"] for p in ports if p.get("protocol", "TCP") == "TCP"}:
            return False
    peers = rule.get(peers_key)
    return peers is None or any(peer_matches(p, other, namespace) for p in peers)


def allowed(policies: list[Obj], src: Pod, dst: Pod, port: int, namespace: str) -> bool:
    def direction(pod: Pod, kind: str, rules_key: str, peers_key: str, other: Pod) -> bool:
        mine = [
            p
            for p in policies
            if selects(p["spec"]["podSelector"], pod) and kind in p["spec"]["policyTypes"]
        ]
        if not mine:
            return True
        return any(
            rule_allows(r, peers_key, other, port, namespace)
            for p in mine
            for r in p["spec"].get(rules_key, [])
        )

    return direction(src, "Egress", "egress", "to", dst) and direction(
        dst, "Ingress", "ingress", "from", src
    )


def expected_edges(objs: list[Obj]) -> set[tuple[str, str, int]]:
    edges = set()
    identity = SERVICES["identity"]
    for s in SERVICES.values():
        edges |= {
            (s.name, "identity", identity.http),
            (s.name, "identity", identity.grpc),
            (s.name, "nats", NATS_PORT),
            (s.name, f"{s.name}-db", 5432),
        }
        edges |= {(s.name, peer, SERVICES[peer].grpc) for peer in s.calls}
        edges |= {(f"{s.name}-db", f"{s.name}-db", p) for p in (5432, 8000)}
    edges.add(("nats", "nats", 6222))
    if any(d["metadata"]["name"] == "otel-collector" for d in of_kind(objs, "Deployment")):
        edges |= {(s, "otel-collector", p) for s in SERVICES for p in (4317, 4318)}
    return edges


def test_the_calls_of_the_architecture():
    """The edges this file expects, spelled out once more against docs/architecture.md."""
    calls = {(s.name, peer) for s in SERVICES.values() for peer in s.calls}
    assert calls == {
        ("village-room", "town-hall"),
        ("town-hall", "city-center"),
        ("village-room", "notify"),
        ("town-hall", "notify"),
        ("city-center", "notify"),
        ("identity", "notify"),
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_architecture_edges_are_open_inside_the_namespace(rendered, overlay):
    objs = rendered[overlay]
    namespace = of_kind(objs, "Namespace")[0]["metadata"]["name"]
    policies = of_kind(objs, "NetworkPolicy")
    everyone = pods(objs)
    open_edges = {
        (src.kind, dst.kind, port)
        for src in everyone
        for dst in everyone
        for port in dst.ports
        if allowed(policies, src, dst, port, namespace)
    }
    expected = expected_edges(objs)
    assert sorted(open_edges - expected) == [], "open but not in the architecture"
    assert sorted(expected - open_edges) == [], "in the architecture but blocked"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_default_deny_and_dns(rendered, overlay):
    policies = {
        p["metadata"]["name"]: p["spec"] for p in of_kind(rendered[overlay], "NetworkPolicy")
    }
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    (dns,) = policies["allow-dns"]["egress"]
    assert {(p["port"], p["protocol"]) for p in dns["ports"]} == {(53, "UDP"), (53, "TCP")}
    assert dns["to"][0]["namespaceSelector"] == {
        "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
    }


def _rules(objs: list[Obj], kind: str):
    for p in of_kind(objs, "NetworkPolicy"):
        for rule in p["spec"].get(kind, []):
            yield p, rule


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_traffic_from_outside(rendered, overlay):
    """Open to anyone: only the tiers' HTTP ports. From address ranges: only the town and city
    gRPC ports and NATS's leaf-node port (edge nodes), the city's gRPC and notify's HTTP port
    (integration clients)."""
    objs = rendered[overlay]
    open_to_all = set()
    from_ranges = set()
    for policy, rule in _rules(objs, "ingress"):
        target = policy["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/name")
        ports = {p["port"] for p in rule.get("ports", [])}
        assert ports, f"{policy['metadata']['name']}: an ingress rule without ports"
        if "from" not in rule:
            open_to_all |= {(target, port) for port in ports}
        for peer in rule.get("from", []):
            if "ipBlock" in peer:
                from_ranges |= {(policy["metadata"]["name"], target, port) for port in ports}
    assert open_to_all == {(s.name, s.http) for s in TIERS}
    assert from_ranges == {
        ("town-hall-grpc-from-edge-nodes", "town-hall", SERVICES["town-hall"].grpc),
        ("city-center-grpc-from-edge-nodes", "city-center", SERVICES["city-center"].grpc),
        ("nats-leafnodes-from-edge-nodes", "nats", LEAF_PORT),
        ("city-center-grpc-from-integration-clients", "city-center", SERVICES["city-center"].grpc),
        ("notify-http-from-integration-clients", "notify", SERVICES["notify"].http),
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_traffic_to_outside(rendered, overlay):
    """Outside the namespace, the services reach only: notify its mail relay and its event
    subscribers' HTTPS endpoints (address ranges);
    the database pods the Kubernetes API and the backup store (443/6443); every pod the DNS."""
    to_ranges = set()
    for policy, rule in _rules(rendered[overlay], "egress"):
        name = policy["metadata"]["name"]
        if "to" not in rule:
            assert name.endswith("-db"), f"{name}: egress to anywhere"
            assert {p["port"] for p in rule["ports"]} == {443, 6443}
            continue
        for peer in rule["to"]:
            if "namespaceSelector" in peer:
                assert name == "allow-dns", name
            if "ipBlock" in peer:
                to_ranges |= {(name, p["port"]) for p in rule["ports"]}
    assert to_ranges == {("notify-to-mail-relay", port) for port in (25, 465, 587)} | {
        ("notify-to-subscribers", 443)
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_metrics_ports_only_from_the_monitoring_namespace(rendered, overlay):
    """The metrics port of every service: open to the monitoring namespace, to nothing else
    (not the namespace's own pods, not outside addresses)."""
    objs = rendered[overlay]
    namespace = next(o["metadata"]["name"] for o in of_kind(objs, "Namespace"))
    rules = [
        (policy, rule)
        for policy, rule in _rules(objs, "ingress")
        if METRICS_PORT in {p["port"] for p in rule.get("ports", [])}
    ]
    assert [policy["metadata"]["name"] for policy, _ in rules] == ["metrics-from-monitoring"]
    policy, rule = rules[0]
    assert rule["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]
    everyone = pods(objs)
    servers = [p for p in everyone if p.kind in SERVICES]
    assert {p.kind for p in servers} == set(SERVICES)
    for server in servers:
        assert METRICS_PORT in server.ports
        assert selects(policy["spec"]["podSelector"], server)
        for pod in everyone:  # no pod of the namespace itself reaches it
            assert not allowed(of_kind(objs, "NetworkPolicy"), pod, server, METRICS_PORT, namespace)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_leaf_node_port_only_from_the_edge_nodes_range(rendered, overlay):
    """Edge nodes reach NATS's leaf-node port from their configured range; no pod of the
    namespace does (the services use the client port), and no other port is open to them."""
    objs = rendered[overlay]
    namespace = next(o["metadata"]["name"] for o in of_kind(objs, "Namespace"))
    policy = next(
        p
        for p in of_kind(objs, "NetworkPolicy")
        if p["metadata"]["name"].endswith("leafnodes-from-edge-nodes")
    )
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"port": LEAF_PORT, "protocol": "TCP"}]
    assert [set(peer) for peer in rule["from"]] == [{"ipBlock"}]
    assert rule["from"][0]["ipBlock"]["cidr"]
    everyone = pods(objs)
    (nats,) = [p for p in everyone if p.kind == "nats"]
    assert LEAF_PORT in nats.ports and selects(policy["spec"]["podSelector"], nats)
    for pod in everyone:
        assert not allowed(of_kind(objs, "NetworkPolicy"), pod, nats, LEAF_PORT, namespace)
