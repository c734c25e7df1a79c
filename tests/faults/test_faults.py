"""Fault injection on the running platform (issue 6): real processes, real PostgreSQL, a real
nats-server. Each scenario injects its fault while status changes flow, lets the platform
recover by itself, then counts: every status change published once, and told exactly once to
the applicant and once to the agent (faultkit.exactly_once). Every wait is bounded.

The scenarios share one platform (tests/faults/conftest.py) and each counts only its own cases.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import grpc
import nats
import pytest
from harness import Platform

from govnet.identity.v1 import identity_pb2, identity_pb2_grpc
from tests.faults.faultkit import (
    ACCEPTANCE,
    DECISION,
    READY,
    Background,
    Subscriber,
    Tiers,
    audit_counts,
    exactly_once,
    notifications,
    operator,
    pg_query,
    stream_events,
)
from tools import journey

pytestmark = [pytest.mark.faults, pytest.mark.e2e]


def say(scenario: str, started: float, tally: object) -> None:
    print(f"\n[faults] {scenario}: {tally}; {time.monotonic() - started:.1f}s in all")


def test_notify_killed_mid_stream_tells_each_change_once(fault_platform: Platform, tiers: Tiers):
    started = time.monotonic()
    cases: list[str] = []
    stream = Background(tiers.submit_many, 8, every=0.4, into=cases)
    journey.until("notify at work on the stream", lambda: notifications(fault_platform, cases), 60)
    told_before = len(notifications(fault_platform, cases))
    fault_platform.kill_service("notify")  # kill -9: no shutdown, mid-transaction perhaps
    time.sleep(1.0)  # changes keep coming while it is gone
    fault_platform.start_service("notify", READY)
    stream.join()
    tiers.wait_at_city(cases)
    tally = exactly_once(fault_platform, cases, ACCEPTANCE)
    assert 0 < told_before < tally.notifications  # the kill came in the middle of the stream
    say("notify killed (-9) mid-stream", started, tally)


def test_notify_down_for_a_minute_while_changes_keep_coming(fault_platform: Platform, tiers: Tiers):
    started = time.monotonic()
    waiting = tiers.submit_many(4)
    tiers.wait_at_city(waiting)
    exactly_once(fault_platform, waiting, ACCEPTANCE)
    assert fault_platform.stop_service("notify") == 0
    down_at = time.monotonic()
    # During the minute: the waiting cases are decided one by one, and new cases come in. The
    # new ones come late in the minute: their recipients are registered by a pending call that
    # backs off up to a minute, and this test should not wait for a long back-off to end.
    new: list[str] = []
    for i, case in enumerate(waiting):
        time.sleep(max(down_at + 5 + 10 * i - time.monotonic(), 0))
        tiers.decide(case)
    time.sleep(max(down_at + 45 - time.monotonic(), 0))
    tiers.submit_many(3, every=3.0, into=new)
    time.sleep(max(down_at + 60 - time.monotonic(), 0))
    assert not notifications(fault_platform, new)
    fault_platform.start_service("notify", READY)
    outage = time.monotonic() - down_at  # until it answered again
    tiers.wait_replied(waiting)
    tiers.wait_at_city(new)
    decided = exactly_once(fault_platform, waiting, ACCEPTANCE | DECISION)
    accepted = exactly_once(fault_platform, new, ACCEPTANCE)
    say(
        f"notify down {outage:.0f}s",
        started,
        f"decided meanwhile: {decided}; accepted meanwhile: {accepted}",
    )


def test_nats_server_restarted_mid_stream(fault_platform: Platform, tiers: Tiers):
    started = time.monotonic()
    cases: list[str] = []
    stream = Background(tiers.submit_many, 8, every=0.4, into=cases)
    journey.until("the stream under way", lambda: len(cases) >= 3, 30)
    fault_platform.restart_nats(kill=True, down_for=2.0)  # its JetStream store stays on disk
    stream.join()
    tiers.wait_at_city(cases)
    # Decisions after the restart: the town's and village's consumers must be back too.
    for case in cases:
        tiers.decide(case)
    tiers.wait_replied(cases)
    tally = exactly_once(fault_platform, cases, ACCEPTANCE | DECISION)
    say("nats-server killed and restarted mid-stream", started, tally)


def test_publisher_killed_between_commit_and_publish(fault_platform: Platform, tiers: Tiers):
    started = time.monotonic()
    # Frozen, NATS takes the relay's publishes but never acknowledges them: the acceptances
    # commit with their outbox rows, which stay unsent, and then the village dies.
    fault_platform.freeze("nats")
    try:
        cases = tiers.submit_many(5)
        unsent = pg_query(
            fault_platform, "village-room", "SELECT count(*) FROM outbox WHERE sent_at IS NULL"
        )[0][0]
        fault_platform.kill_service("village-room")
    finally:
        fault_platform.thaw("nats")
    assert unsent >= len(cases)  # every acceptance was between its commit and its publish
    fault_platform.start_service("village-room", READY)
    tiers.sign_in()
    tiers.wait_at_city(cases)
    tally = exactly_once(fault_platform, cases, ACCEPTANCE)
    say(f"village-room killed (-9) with {unsent} events unsent", started, tally)


def test_village_submits_while_its_township_is_down(fault_platform: Platform, tiers: Tiers):
    started = time.monotonic()
    assert fault_platform.stop_service("town-hall") == 0
    cases = tiers.submit_many(5, every=0.5)
    time.sleep(3.0)
    assert not [c for c in cases if tiers.city_case(c)]  # nothing got past the village
    fault_platform.start_service("town-hall", READY)
    tiers.sign_in()
    tiers.wait_at_city(cases)
    for case in cases:
        tiers.decide(case)
    tiers.wait_replied(cases)
    tally = exactly_once(fault_platform, cases, ACCEPTANCE | DECISION)
    # Each case arrived once at the township and at the city, and its decision came down once.
    once = dict.fromkeys(cases, 1)
    assert audit_counts(fault_platform, "town-hall", "case.received", cases) == once
    assert audit_counts(fault_platform, "city-center", "case.received", cases) == once
    assert audit_counts(fault_platform, "town-hall", "case.decision_received", cases) == once
    assert audit_counts(fault_platform, "village-room", "case.reply_ready", cases) == once
    say("town-hall down while the village submitted", started, tally)


def test_poison_message_goes_to_the_dead_letter_stores_and_the_rest_flows(
    fault_platform: Platform, tiers: Tiers
):
    started = time.monotonic()
    poison_id = f"poison-{uuid.uuid4()}"
    no_id_body = f"no id {uuid.uuid4()}".encode()

    async def publish() -> None:
        # On a subject all four case consumers read: town-hall's, village-room's and notify's two.
        nc = await nats.connect(fault_platform.nats_url)
        try:
            js = nc.jetstream()
            subject = f"govnet.case.status.city.{journey.VILLAGE}"
            await js.publish(
                subject, b"\xff not a CaseStatusChanged", headers={"Nats-Msg-Id": poison_id}
            )
            await js.publish(subject, no_id_body)
        finally:
            await nc.close()

    asyncio.run(publish())
    # The rest flows while the poison is being retried.
    cases = tiers.submit_many(2)
    tiers.wait_at_city(cases)
    for case in cases:
        tiers.decide(case)
    tiers.wait_replied(cases)
    tally = exactly_once(fault_platform, cases, ACCEPTANCE | DECISION)

    stores = {
        "town-hall": ("consumer_dead_letter", {"town-hall-cases"}),
        "village-room": ("consumer_dead_letter", {"village-room-cases"}),
        "notify": ("dead_letter", {"notify", "notify-subscriptions"}),
    }

    def dead(service: str) -> dict[str, set[str]]:
        table, _ = stores[service]
        rows = pg_query(
            fault_platform,
            service,
            f"SELECT consumer, event_id, data FROM {table}"  # noqa: S608 - our own table names
            " WHERE event_id = %s OR data = %s",
            poison_id,
            no_id_body,
        )
        out: dict[str, set[str]] = {"poison": set(), "no id": set()}
        for consumer, event_id, _ in rows:
            out["poison" if event_id == poison_id else "no id"].add(consumer)
        return out

    for service, (_, consumers) in stores.items():
        journey.until(
            f"the poison in {service}'s dead letters",
            lambda s=service, c=consumers: dead(s) == {"poison": c, "no id": c},
            60,
        )
    # The operator sees it, and a replay of the poison fails and keeps it (one service: each
    # command is a process of its own, and the store is the same kit code in both).
    listed = operator(fault_platform, "village-room", "dead-letters", "list")
    assert listed.returncode == 0, listed.stderr
    assert poison_id in listed.stdout
    row_id = next(line.split()[0] for line in listed.stdout.splitlines() if poison_id in line)
    replayed = operator(fault_platform, "village-room", "dead-letters", "replay", row_id)
    assert replayed.returncode == 1 and "still a dead letter" in replayed.stderr
    assert dead("village-room")["poison"] == {"village-room-cases"}  # kept
    say("a poison message and one without an id", started, tally)


def test_subscriber_endpoint_failing_then_recovering(fault_platform: Platform, tiers: Tiers):
    started = time.monotonic()
    admin = journey.sign_in(tiers.client, tiers.city, "city.admin", tiers.password)

    async def credential() -> str:
        async with grpc.aio.insecure_channel(fault_platform.grpc("identity")) as ch:
            stub = identity_pb2_grpc.IdentityServiceStub(ch)
            client = await stub.RegisterIntegrationClient(
                identity_pb2.RegisterIntegrationClientRequest(
                    name="fault suite subscriber",
                    methods=["/govnet.citycenter.v1.CityCenterService/ListCatalogItems"],
                    places=[journey.VILLAGE],
                ),
                metadata=(("authorization", admin["Authorization"]),),
            )
            issued = await stub.IssueServiceToken(
                identity_pb2.IssueServiceTokenRequest(
                    client_id=client.client_id, client_secret=client.client_secret
                )
            )
            return issued.access_token

    subscriber = Subscriber()
    try:
        registered = tiers.client.post(
            f"{fault_platform.http('notify')}/api/v1/subscriptions",
            json={"callback_url": subscriber.url, "places": [journey.VILLAGE]},
            headers={"Authorization": f"Bearer {asyncio.run(credential())}"},
        )
        assert registered.status_code == 201, registered.text
        subscriber.secret = registered.json()["secret"]
        cases = tiers.submit_many(3)
        tiers.wait_at_city(cases)
        events = {
            p.event.event_id
            for msgs in stream_events(fault_platform.nats_url, cases).values()
            for p in msgs
        }
        assert len(events) == 5 * len(cases)
        # Down until every event was refused at least twice (retries 1 s, 2 s, 4 s apart).
        journey.until("two refusals per event", lambda: subscriber.refused >= 2 * len(events), 60)
        refused = subscriber.refused
        subscriber.failing = False

        def received() -> set[str]:
            return {d["event"]["event_id"] for d in subscriber.accepted} & events

        journey.until("every event at the subscriber", lambda: received() == events, 60)
        time.sleep(2.0)  # anything doubled would arrive now
        per_event = Counter(
            d["event"]["event_id"] for d in subscriber.accepted if d["event"]["event_id"] in events
        )
        assert set(per_event.values()) == {1}, per_event
        per_delivery = Counter(d["delivery_id"] for d in subscriber.accepted)
        assert set(per_delivery.values()) == {1}, per_delivery
        tally = exactly_once(fault_platform, cases, ACCEPTANCE)
    finally:
        subscriber.close()
    say(
        f"subscriber refused {refused} posts, then took {len(per_event)} events once each",
        started,
        tally,
    )
