"""Decision 4 and issue 9: a village's edge node keeps working while its link to the centre is
down, and catches up once when the link returns.

The centre: identity, notify, city-center and town-hall on PostgreSQL, and nats-server with
JetStream and a leaf-node listener (deploy/edge/hub-leafnodes.conf). The edge node: what an
operator installs, `tools/edge.py run` (a leaf nats-server from deploy/edge/leafnode.conf and
village-room on SQLite, one process group). Every byte between them crosses a TCP forwarder
on 127.0.0.1 that the test cuts and restores: the leaf connection, identity's HTTP (keys) and
gRPC (sign-in, service tokens), the township's and notify's gRPC. Nothing is mocked.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime

import pytest
from edgekit import LEAF_USER, EdgeProcess, Link, hub_config, patiently
from harness import PgServer, Platform, free_port, free_ports, pg_databases

from govnet_kit.worktime import SHANGHAI
from tests.faults.faultkit import (
    ACCEPTANCE,
    DECISION,
    READY,
    Tiers,
    audit_counts,
    exactly_once,
)
from tools import devsecrets, journey

CENTRE = ("identity", "notify", "city-center", "town-hall")
NODE = "village-341102101201"
WAIT = 60.0


@dataclass(frozen=True)
class Leaf:
    """The hub's leaf-node listener and the credentials edge nodes present to it."""

    port: int
    password: str


@pytest.fixture(scope="module")
def leaf() -> Leaf:
    return Leaf(free_port(), secrets.token_urlsafe(18))


@pytest.fixture(scope="module")
def centre(
    pg: PgServer, leaf: Leaf, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    workdir = tmp_path_factory.mktemp("edge-centre")
    with pg_databases(pg, CENTRE) as urls:
        made = Platform(
            workdir,
            urls,
            free_ports(),
            devsecrets.generate(),
            environment="test",
            services=CENTRE,
            extra_env={"IDENTITY_EDGE_PLACES": json.dumps([journey.VILLAGE])},
            nats_config=hub_config(workdir, leaf.port, leaf.password),
        )
        try:
            made.up(timeout=READY)
            yield made
        finally:
            made.stop()


@pytest.fixture(scope="module")
def link(centre: Platform, leaf: Leaf) -> Iterator[Link]:
    made = Link(
        {
            "leaf": leaf.port,
            "identity.http": centre.ports["identity.http"],
            "identity.grpc": centre.ports["identity.grpc"],
            "town-hall.grpc": centre.ports["town-hall.grpc"],
            "notify.grpc": centre.ports["notify.grpc"],
        }
    )
    yield made
    made.close()


@pytest.fixture(scope="module")
def edge(
    centre: Platform, leaf: Leaf, link: Link, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EdgeProcess]:
    state = tmp_path_factory.mktemp("edge-node")
    p = link.ports
    env = {
        "GOVNET_EDGE_NODE": NODE,
        "GOVNET_EDGE_STATE_DIR": str(state),
        "GOVNET_EDGE_NATS_PORT": str(free_port()),
        "GOVNET_EDGE_HUB_URL": f"nats-leaf://{LEAF_USER}:{leaf.password}@127.0.0.1:{p['leaf']}",
        **{k: v for k, v in centre.secrets.items() if k.startswith("VILLAGE_ROOM_")},
        "VILLAGE_ROOM_ENVIRONMENT": "test",
        "VILLAGE_ROOM_EDGE_PLACES": json.dumps([journey.VILLAGE]),
        "VILLAGE_ROOM_DATABASE_URL": f"sqlite+aiosqlite:///{state}/village-room.db",
        # The centre's platform reserved these ports for a village: the tiers helpers use them.
        "VILLAGE_ROOM_HTTP_PORT": str(centre.ports["village-room.http"]),
        "VILLAGE_ROOM_GRPC_PORT": str(centre.ports["village-room.grpc"]),
        "VILLAGE_ROOM_IDENTITY_HTTP_URL": f"http://127.0.0.1:{p['identity.http']}",
        "VILLAGE_ROOM_IDENTITY_GRPC_TARGET": f"127.0.0.1:{p['identity.grpc']}",
        "VILLAGE_ROOM_TOWN_HALL_GRPC_TARGET": f"127.0.0.1:{p['town-hall.grpc']}",
        "VILLAGE_ROOM_NOTIFY_GRPC_TARGET": f"127.0.0.1:{p['notify.grpc']}",
    }
    node = EdgeProcess(env, state, centre.ports["village-room.http"])
    try:
        node.start(READY)
        yield node
    finally:
        node.stop()


def outbox(tiers: Tiers) -> dict:
    r = tiers.client.get(
        f"{tiers.village}/api/v1/outbox",
        params={"place_code": journey.VILLAGE},
        headers=tiers.staff,
    )
    assert r.status_code == 200, r.text
    return r.json()


def transmissions(tiers: Tiers, cases: list[str]) -> dict[str, dict]:
    return {
        i["case_number"]: i
        for i in outbox(tiers)["waiting"]
        if i["kind"] == "transmit" and i["case_number"] in cases
    }


def expires_at(headers: dict[str, str]) -> datetime:
    token = headers["Authorization"].removeprefix("Bearer ")
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return datetime.fromtimestamp(claims["exp"], SHANGHAI)


def test_edge_node_works_through_an_outage_and_catches_up_once(
    centre: Platform, link: Link, edge: EdgeProcess
):
    started = time.monotonic()
    tiers = Tiers(centre)  # signs in at the edge node (through the link) and at the centre
    journey.until(
        "the catalog at the edge node",
        lambda: (
            tiers.client.get(f"{tiers.village}/api/v1/guide/items/{journey.ITEM}").status_code
            == 200
        ),
        WAIT,
    )
    # The edge village's staff session lasts the working day (to 24:00); the township's does not.
    now = datetime.now(SHANGHAI)
    midnight = datetime.combine(now.date() + timedelta(days=1), dtime(0), tzinfo=SHANGHAI)
    assert expires_at(tiers.staff) >= midnight - timedelta(seconds=5)
    assert expires_at(tiers.town_staff) < now + timedelta(hours=8, minutes=1)

    link.cut()
    cut_at = time.monotonic()
    # Staff already signed in keep working: a visit registered, applications accepted.
    visit = tiers.client.post(
        f"{tiers.village}/api/v1/visits",
        json={"place_code": journey.VILLAGE, "topic": "申请林木采伐许可 / tree felling permit"},
        headers=tiers.staff,
    )
    assert visit.status_code == 201, visit.text
    slips = [journey.submit_complete(tiers.client, tiers.village, tiers.staff) for _ in "ab"]
    cases = [s["case_number"] for s in slips]
    assert all(n.startswith(f"{journey.VILLAGE}-") for n in cases)
    assert all(s["query_code"] and s["deadline"] for s in slips)
    # Signing in anew needs the link: a clear refusal, not a hang or a 500.
    fresh = tiers.client.post(
        f"{tiers.village}/api/v1/session",
        json={"username": "village.duty", "password": tiers.password},
    )
    assert fresh.status_code == 503, fresh.text

    # The outbox shows each transmission waiting, with its reason, retried with backoff.
    def both_waiting() -> dict[str, dict] | None:
        items = transmissions(tiers, cases)
        return (
            items if len(items) == 2 and all(i["attempts"] >= 2 for i in items.values()) else None
        )

    waiting = journey.until("both transmissions waiting, tried twice", both_waiting, WAIT)
    for item in waiting.values():
        assert item["reason"].startswith("Township unreachable, retry at "), item["reason"]
        assert item["reason_zh"].startswith("乡镇无法连接"), item["reason_zh"]
        assert item["next_attempt_at"] > item["created_at"]

    # A power cut at the village while the link is down: the node comes back on its own
    # database and cached keys, and the morning's session still works.
    assert edge.stop() == 0
    edge.start(READY)
    assert set(transmissions(tiers, cases)) == set(cases)
    assert tiers.village_case(cases[0])["status"] == "CASE_STATUS_ACCEPTED"
    assert all(tiers.city_case(n) is None for n in cases)
    outage = time.monotonic() - cut_at

    link.restore()
    restored_at = time.monotonic()
    tiers.wait_at_city(cases, WAIT)
    delivered_in = time.monotonic() - restored_at
    journey.until("the outbox empty", lambda: not transmissions(tiers, cases), WAIT)
    # Each transmission delivered once: one case at the township, one at the city.
    received = patiently(lambda: audit_counts(centre, "town-hall", "case.received", cases))
    assert received == {n: 1 for n in cases}
    assert all(tiers.city_case(n)["case_number"] == n for n in cases)

    # Decided at the city while the village is cut off again: the decision waits in the
    # central stream for the village's durable consumer, and arrives when the link is back.
    link.cut()
    for n in cases:
        tiers.decide(n)
    time.sleep(3.0)
    assert all(tiers.village_case(n)["status"] != "CASE_STATUS_REPLY_READY" for n in cases)
    link.restore()
    restored_at = time.monotonic()
    tiers.wait_replied(cases, WAIT)
    replied_in = time.monotonic() - restored_at

    # Every status change published once, and told once to the applicant and to the agent.
    tally = patiently(lambda: exactly_once(centre, cases, ACCEPTANCE | DECISION, timeout=WAIT), 5)
    print(
        f"\nedge: outage {outage:.1f}s (with a node restart); transmissions at the city "
        f"{delivered_in:.1f}s after the link returned; replies at the village {replied_in:.1f}s "
        f"after; {tally}; whole test {time.monotonic() - started:.1f}s"
    )
    tiers.close()
