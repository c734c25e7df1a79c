"""Event subscriptions of other government systems (A3), against real databases, a real HTTP
receiver on 127.0.0.1 and, end to end, a real nats-server.

The API is notify's own FastAPI app, called with access tokens shaped like the ones identity
issues to integration clients (`kind: integration`, `places`). Time for backoff is a FakeClock
the tests move; the receiver is a plain asyncio HTTP/1.1 server the tests can make fail, stop
and start again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from govnet_kit.audit import AuditEntry
from govnet_kit.cases import ts
from govnet_kit.consumer import Event
from govnet_kit.db import transaction
from govnet_kit.errors import InvalidArgument
from govnet_kit.messaging import NatsLink, case_status_subject
from notify.config import NotifySettings
from notify.main import build, subscription_consumer
from notify.notification.delivery import RetryPolicy
from notify.subscription import delivery, service
from notify.subscription.handlers import handle_case_status, handle_case_statuses
from notify.subscription.models import DeliveryState, StatusEvent, SubscriptionDelivery
from notify.subscription.schemas import SubscriptionIn
from notify.subscription.worker import SubscriptionWorker
from tests.notify.notifykit import FakeClock, Sessions, count, free_port
from tests.tokens import bearer, integration_token, key_set

COUNTY = "341102000000"
VILLAGE = "341102101201"
OTHER_VILLAGE = "341102101202"
ELSEWHERE = "341103101201"  # another county
POLICY = RetryPolicy(max_attempts=5, base=timedelta(seconds=10), cap=timedelta(minutes=5))
ACCEPTED, APPROVED = case_pb2.CASE_STATUS_ACCEPTED, case_pb2.CASE_STATUS_APPROVED


def token(places: list[str], *, kind: str = "integration", client: str | None = None) -> dict:
    """Headers for an integration client's token scoped to `places` (or another kind's)."""
    return bearer(integration_token(places, client=client, kind=kind))


# -- a subscriber's endpoint -------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A subscriber's HTTP endpoint: answers `answer` to every POST and keeps what it got."""

    port: int = field(default_factory=free_port)
    answer: int = 200
    received: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/govnet/events"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        """From now on a connection is refused."""
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        path = head[0].split(" ")[1]
        headers = {}
        for line in head[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.received.append(Received(path, headers, body, self.answer))
        writer.write(
            f"HTTP/1.1 {self.answer} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()

    def taken(self) -> list[Received]:
        """What the endpoint accepted (answered 2xx)."""
        return [r for r in self.received if 200 <= r.answered < 300]


def signed_by(secret: str, received: Received) -> bool:
    """What the README tells a subscriber to do, written out independently of notify's code."""
    timestamp = received.headers["govnet-timestamp"]
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256)
    return hmac.compare_digest("v1=" + mac.hexdigest(), received.headers["govnet-signature"])


# -- fixtures ----------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module")
async def notify_app(tmp_path_factory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("subscriptions")
    settings = NotifySettings(
        database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}",
        subscription_callback_hosts=["127.0.0.1", ".gov.example"],
        subscription_allow_http=True,
        subscription_max_per_client=3,
    )  # type: ignore[call-arg]
    notify = build(settings)
    notify.runtime.verifier.set_keys(key_set())
    yield notify
    await notify.runtime.engine.dispose()


@pytest_asyncio.fixture
async def api(notify_app, sessions: Sessions) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    notify_app.runtime.sessions = sessions
    transport = httpx.ASGITransport(app=notify_app.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notify") as client:
        yield client


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    if r._server is not None:
        await r.stop()


# -- helpers -----------------------------------------------------------------------------------


def status_changed(
    *, place: str = VILLAGE, status: int = ACCEPTED, item: str = "LY-0001", n: int = 1
) -> events_pb2.CaseStatusChanged:
    return events_pb2.CaseStatusChanged(
        event_id=str(uuid.uuid4()),
        case_number=f"{place}-20250609-{n:04d}",
        item_code=item,
        item_version=3,
        tier=case_pb2.TIER_VILLAGE,
        place_code=place,
        origin_place_code=place,
        department_code="forestry",
        window_id="window-7",
        acting_staff_id="staff-123",
        status=status,
        occurred_at=ts(datetime.now(UTC)),
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )


async def consume(sessions: Sessions, changed: events_pb2.CaseStatusChanged) -> str:
    """The subscription consumer's handler, one transaction per message as the consumer runs it."""
    async with transaction(sessions) as session:
        await handle_case_status(
            session,
            Event(
                subject=case_status_subject("village", changed.origin_place_code),
                event_id=changed.event_id,
                data=changed.SerializeToString(),
                headers={},
            ),
        )
    return changed.event_id


async def subscribe(
    api: httpx.AsyncClient, auth: dict, url: str, places: list[str], **filters: list[str]
) -> dict:
    resp = await api.post(
        "/api/v1/subscriptions",
        headers=auth,
        json={"callback_url": url, "places": places, **filters},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def worker(
    sessions: Sessions, clock: FakeClock, policy: RetryPolicy = POLICY
) -> SubscriptionWorker:
    return SubscriptionWorker(
        sessions, policy=policy, timeout=2.0, lease=timedelta(seconds=30), lanes=1, clock=clock
    )


async def deliveries(sessions: Sessions) -> list[SubscriptionDelivery]:
    async with sessions() as session:
        return list(
            (
                await session.scalars(
                    select(SubscriptionDelivery).order_by(SubscriptionDelivery.event_seq)
                )
            ).all()
        )


# -- registering -------------------------------------------------------------------------------


async def test_a_subscriber_registers_within_its_scope_and_sees_only_its_own(api, receiver):
    county = token([COUNTY])
    created = await subscribe(
        api, county, receiver.url, [VILLAGE, COUNTY], items=["LY-0001"], statuses=["approved"]
    )
    assert len(created["secret"]) >= 40
    assert created["places"] == [COUNTY, VILLAGE]
    assert created["items"] == ["LY-0001"] and created["statuses"] == ["approved"]

    listed = (await api.get("/api/v1/subscriptions", headers=county)).json()
    assert [s["id"] for s in listed] == [created["id"]]
    assert "secret" not in listed[0]  # shown once
    assert listed[0]["failed_deliveries"] == 0
    other = (await api.get("/api/v1/subscriptions", headers=token([COUNTY]))).json()
    assert other == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"places": []}, 403, "places"),  # every place: wider than the credential
        ({"places": [ELSEWHERE]}, 403, "places[0]"),
        ({"places": [VILLAGE, "341100000000"]}, 403, "places[1]"),  # the city: wider
        ({"places": ["3411"]}, 422, "places[0]"),
        ({"places": [VILLAGE], "statuses": ["granted"]}, 422, "statuses[0]"),
        ({"places": [VILLAGE], "items": ["LY 0001; drop"]}, 422, "items[0]"),
        ({"places": [VILLAGE], "callback_url": "http://10.0.0.5/hook"}, 422, "callback_url"),
        ({"places": [VILLAGE], "callback_url": "ftp://127.0.0.1/x"}, 422, "callback_url"),
        ({"places": [VILLAGE], "callback_url": "http://u:p@127.0.0.1/x"}, 422, "callback_url"),
        ({"places": [VILLAGE], "callback_url": "http://127.0.0.1:99999/"}, 422, "callback_url"),
    ],
)
async def test_a_filter_wider_than_the_scope_or_malformed_is_refused_naming_the_field(
    api, receiver, body, status, field
):
    resp = await api.post(
        "/api/v1/subscriptions",
        headers=token([COUNTY]),
        json={"callback_url": receiver.url} | body,
    )
    assert resp.status_code == status, resp.text
    assert resp.json()["field"] == field
    assert resp.json()["message"] and resp.json()["message_zh"] != resp.json()["message"]
    assert (await api.get("/api/v1/subscriptions", headers=token([COUNTY]))).json() == []


async def test_who_may_subscribe(api, receiver):
    body = {"callback_url": receiver.url, "places": [VILLAGE]}
    assert (await api.post("/api/v1/subscriptions", json=body)).status_code == 401
    staff = await api.post(
        "/api/v1/subscriptions", headers=token([COUNTY], kind="staff"), json=body
    )
    assert staff.status_code == 403
    nowhere = await api.post("/api/v1/subscriptions", headers=token([]), json=body)
    assert nowhere.status_code == 403 and nowhere.json()["field"] == "places"
    # Structure errors are FastAPI's 422, naming the field too; never a 500.
    bad = await api.post(
        "/api/v1/subscriptions", headers=token([COUNTY]), json={"places": "341102101201"}
    )
    assert bad.status_code == 422
    assert {tuple(e["loc"]) for e in bad.json()["detail"]} >= {
        ("body", "callback_url"),
        ("body", "places"),
    }
    client = token([COUNTY])
    for _ in range(3):
        await subscribe(api, client, receiver.url, [VILLAGE])
    over = await api.post("/api/v1/subscriptions", headers=client, json=body)
    assert over.status_code == 409


# -- delivering --------------------------------------------------------------------------------


async def test_a_batch_logs_each_event_once_in_order_owed_to_what_it_matches(
    api, sessions, receiver
):
    await subscribe(api, token([COUNTY]), receiver.url, [VILLAGE], statuses=["accepted"])
    before = status_changed(n=1)
    await consume(sessions, before)
    batch = [status_changed(n=2), status_changed(place=OTHER_VILLAGE, n=3), status_changed(n=4)]
    events = [
        Event(
            subject=case_status_subject("village", c.origin_place_code),
            event_id=c.event_id,
            data=c.SerializeToString(),
            headers={},
        )
        for c in [*batch, batch[0], before]  # one again, one logged before
    ]
    async with transaction(sessions) as session:
        await handle_case_statuses(session, events)

    async with sessions() as session:
        logged = (
            await session.execute(select(StatusEvent.event_id).order_by(StatusEvent.seq))
        ).scalars()
        assert list(logged) == [before.event_id, *(c.event_id for c in batch)]
    owed = await deliveries(sessions)
    assert [d.event_seq for d in owed] == [1, 2, 4]  # not the other village's


async def test_a_matching_event_arrives_signed_and_verifiable_a_non_matching_one_does_not(
    api, sessions, receiver
):
    sub = await subscribe(api, token([COUNTY]), receiver.url, [VILLAGE], statuses=["accepted"])
    wanted = await consume(sessions, status_changed())
    await consume(sessions, status_changed(place=OTHER_VILLAGE))  # not its place
    await consume(sessions, status_changed(status=APPROVED))  # not its status
    await consume(sessions, status_changed(place=ELSEWHERE))  # outside its scope too

    assert await worker(sessions, FakeClock()).drain() == 1
    [got] = receiver.received
    assert got.path == "/govnet/events" and got.answered == 200
    assert signed_by(sub["secret"], got)
    assert not signed_by("another-secret", got)
    tampered = Received(got.path, got.headers, got.body.replace(b"LY-0001", b"LY-0002"), 200)
    assert not signed_by(sub["secret"], tampered)
    assert abs(int(got.headers["govnet-timestamp"]) - time.time()) < 60

    body = got.json
    assert body["delivery_id"] == got.headers["govnet-delivery"]
    assert body["subscription_id"] == sub["id"]
    event = body["event"]
    assert event["event_id"] == wanted == got.headers["govnet-event"]
    assert (event["status"], event["tier"], event["item_code"]) == (
        "accepted",
        "village",
        "LY-0001",
    )
    assert event["origin_place_code"] == VILLAGE and event["sequence"] >= 1
    # Thin: no staff, window or trace ids leave govnet.
    assert not {"acting_staff_id", "window_id", "traceparent"} & set(event)
    assert b"staff-123" not in got.body and b"window-7" not in got.body
    assert [d.state for d in await deliveries(sessions)] == [DeliveryState.DELIVERED]


async def test_a_failing_then_recovering_endpoint_gets_every_event_once_per_delivery_id(
    api, sessions, receiver
):
    sub = await subscribe(api, token([COUNTY]), receiver.url, [COUNTY])
    events = [await consume(sessions, status_changed(n=i)) for i in range(3)]
    clock = FakeClock()

    receiver.answer = 500  # the endpoint is broken
    assert await worker(sessions, clock).drain() == 3
    await receiver.stop()  # then down: connections refused
    clock.advance(10)
    assert await worker(sessions, clock).drain() == 3
    assert all(d.state == DeliveryState.RETRYING for d in await deliveries(sessions))
    clock.advance(15)
    assert await worker(sessions, clock).drain() == 0  # backing off: 20 s after the 2nd

    # A worker crashes after claiming one (its POST never ends): the lease runs out and the
    # next worker sends that delivery again, under the same id.
    clock.advance(5)
    async with transaction(sessions) as session:
        lost = await delivery.claim_next(session, now=clock(), lease=timedelta(seconds=30))
    assert lost is not None

    receiver.answer = 200
    await receiver.start()  # back; and notify restarted: a new worker, the same table
    clock.advance(31)
    assert await worker(sessions, clock).drain() == 3

    taken = receiver.taken()
    assert Counter(r.headers["govnet-delivery"] for r in taken) == Counter(
        {d.id: 1 for d in await deliveries(sessions)}
    )
    assert sorted(r.json["event"]["event_id"] for r in taken) == sorted(events)
    assert all(signed_by(sub["secret"], r) for r in receiver.received)
    by_id = Counter(r.headers["govnet-delivery"] for r in receiver.received)
    assert by_id[lost.delivery_id] == 2  # the 500, then the delivery (the refusals never arrived)
    rows = await deliveries(sessions)
    assert {d.state for d in rows} == {DeliveryState.DELIVERED}
    assert {d.id: d.attempts for d in rows} == {
        d.id: 4 if d.id == lost.delivery_id else 3 for d in rows
    }


async def test_a_delivery_given_up_on_is_audited_logged_and_still_fetchable(
    api, sessions, receiver, caplog
):
    auth = token([COUNTY])
    sub = await subscribe(api, auth, receiver.url, [VILLAGE])
    event_id = await consume(sessions, status_changed())
    receiver.answer = 503
    clock = FakeClock()
    w = worker(sessions, clock, RetryPolicy(max_attempts=2, base=timedelta(seconds=1)))
    with caplog.at_level(logging.ERROR, logger="notify.subscription.delivery"):
        assert await w.drain() == 1
        clock.advance(1)
        assert await w.drain() == 1
        clock.advance(3600)
        assert await w.drain() == 0
    [row] = await deliveries(sessions)
    assert (row.state, row.attempts, row.next_attempt_at) == (DeliveryState.FAILED, 2, None)
    assert "HTTP 503" in (row.last_error or "")
    assert any(row.id in r.getMessage() and "given up" in r.getMessage() for r in caplog.records)
    async with sessions() as session:
        [entry] = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "subscription.delivery_given_up")
            )
        ).all()
    assert entry.subject_ref == f"subscription:{sub['id']}"
    assert json.loads(entry.data)["event_id"] == event_id
    listed = (await api.get("/api/v1/subscriptions", headers=auth)).json()
    assert listed[0]["failed_deliveries"] == 1
    page = (await api.get(f"/api/v1/subscriptions/{sub['id']}/events", headers=auth)).json()
    assert [e["event_id"] for e in page["events"]] == [event_id]


async def test_a_deleted_subscription_is_owed_nothing_more(api, sessions, receiver):
    auth = token([COUNTY])
    sub = await subscribe(api, auth, receiver.url, [VILLAGE])
    await consume(sessions, status_changed(n=1))
    assert (await api.delete(f"/api/v1/subscriptions/{sub['id']}", headers=auth)).status_code == 204
    await consume(sessions, status_changed(n=2))
    assert await worker(sessions, FakeClock()).drain() == 0
    assert receiver.received == []
    assert [d.state for d in await deliveries(sessions)] == [DeliveryState.CANCELLED]
    assert (await api.get("/api/v1/subscriptions", headers=auth)).json() == []
    gone = await api.delete(f"/api/v1/subscriptions/{sub['id']}", headers=auth)
    assert gone.status_code == 404


# -- catching up -------------------------------------------------------------------------------


async def test_catch_up_since_an_event_returns_exactly_the_missed_ones_in_order(
    api, sessions, receiver
):
    auth = token([COUNTY])
    sub = await subscribe(api, auth, receiver.url, [VILLAGE], items=["LY-0001"])
    mine, others = [], []
    for i in range(6):
        mine.append(await consume(sessions, status_changed(n=i)))
        others.append(await consume(sessions, status_changed(n=i, item="GT-0001")))
        others.append(await consume(sessions, status_changed(n=i, place=ELSEWHERE)))
    url = f"/api/v1/subscriptions/{sub['id']}/events"

    everything = (await api.get(url, headers=auth)).json()
    assert [e["event_id"] for e in everything["events"]] == mine and not everything["more"]
    seen = mine[1]  # the subscriber was down after this one
    missed = (await api.get(url, headers=auth, params={"after": seen})).json()
    assert [e["event_id"] for e in missed["events"]] == mine[2:]
    assert [e["sequence"] for e in missed["events"]] == sorted(
        e["sequence"] for e in missed["events"]
    )

    # Paging: `more` says to ask again after the last one.
    first = (await api.get(url, headers=auth, params={"after": seen, "limit": 3})).json()
    assert [e["event_id"] for e in first["events"]] == mine[2:5] and first["more"]
    rest = (
        await api.get(url, headers=auth, params={"after": first["events"][-1]["event_id"]})
    ).json()
    assert [e["event_id"] for e in rest["events"]] == mine[5:] and not rest["more"]
    latest = (await api.get(url, headers=auth, params={"after": mine[-1]})).json()
    assert latest == {"events": [], "more": False}

    # An id it never saw (unknown, or outside its filter) is refused alike, naming the field.
    for after in (str(uuid.uuid4()), others[0], others[1]):
        resp = await api.get(url, headers=auth, params={"after": after})
        assert resp.status_code == 422 and resp.json()["field"] == "after"
    for params in ({"limit": 0}, {"limit": 501}, {"limit": "x"}):
        assert (await api.get(url, headers=auth, params=params)).status_code == 422


async def test_another_subscribers_id_is_refused(api, sessions, receiver):
    alice, bob = token([COUNTY]), token([COUNTY])
    sub = await subscribe(api, alice, receiver.url, [VILLAGE])
    await consume(sessions, status_changed())
    for resp in (
        await api.get(f"/api/v1/subscriptions/{sub['id']}/events", headers=bob),
        await api.delete(f"/api/v1/subscriptions/{sub['id']}", headers=bob),
        await api.get(f"/api/v1/subscriptions/{uuid.uuid4()}/events", headers=bob),
    ):
        assert resp.status_code == 404 and resp.json()["field"] == "id"
    assert (await api.get("/api/v1/subscriptions", headers=bob)).json() == []
    # Alice's still stands, and her events are hers.
    page = await api.get(f"/api/v1/subscriptions/{sub['id']}/events", headers=alice)
    assert page.status_code == 200 and len(page.json()["events"]) == 1


async def test_the_current_scope_bounds_catch_up(api, sessions, receiver):
    """A client whose credential is narrowed later sees only what the new scope covers."""
    client = f"client:client-{uuid.uuid4().hex[:12]}"
    sub = await subscribe(api, token([COUNTY], client=client), receiver.url, [COUNTY])
    here = await consume(sessions, status_changed(place=VILLAGE))
    await consume(sessions, status_changed(place=OTHER_VILLAGE))
    narrowed = token([VILLAGE], client=client)
    page = (await api.get(f"/api/v1/subscriptions/{sub['id']}/events", headers=narrowed)).json()
    assert [e["event_id"] for e in page["events"]] == [here]


# -- the whole path, on a real nats-server -----------------------------------------------------


async def test_from_jetstream_to_the_subscriber(api, sessions, receiver, nats_url):
    sub = await subscribe(api, token([COUNTY]), receiver.url, [VILLAGE])
    link = NatsLink(nats_url)
    await link.connect()  # creates the streams
    js = await link.ready()
    changes = [status_changed(n=i) for i in range(3)] + [status_changed(place=ELSEWHERE)]
    for c in changes:
        subject = case_status_subject("village", c.origin_place_code)
        await js.publish(subject, c.SerializeToString(), headers={"Nats-Msg-Id": c.event_id})
    # A publisher's retry of the first: JetStream de-duplicates, and so would notify.
    await js.publish(
        case_status_subject("village", VILLAGE),
        changes[0].SerializeToString(),
        headers={"Nats-Msg-Id": changes[0].event_id},
    )
    settings = NotifySettings(database_url="sqlite+aiosqlite:///unused.db")  # type: ignore[call-arg]
    w = SubscriptionWorker(sessions, policy=POLICY, lanes=2, poll=0.05)
    consumer = subscription_consumer(link, sessions, settings, after_commit=w.wake)
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(w.run())]
    try:
        async with asyncio.timeout(15):
            while len(receiver.taken()) < 3:  # noqa: ASYNC110 - the receiver is the witness
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # anything more would have arrived by now
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await link.close()
    got = [r.json["event"]["event_id"] for r in receiver.taken()]
    assert sorted(got) == sorted(c.event_id for c in changes[:3])
    assert all(signed_by(sub["secret"], r) for r in receiver.received)
    assert await count(sessions, SubscriptionDelivery) == 3


async def test_callbacks_are_https_on_listed_hosts_unless_the_operator_allows_http(sessions):
    policy = service.CallbackPolicy(hosts=("events.gov.example", ".city.gov.example"))

    async def register(url: str) -> str:
        async with transaction(sessions) as session:
            made, _ = await service.create_subscription(
                session=session,
                client="client:client-x",
                scope=[COUNTY],
                data=SubscriptionIn(callback_url=url, places=[VILLAGE]),
                policy=policy,
            )
            return made.callback_url

    assert await register("https://events.gov.example/in") == "https://events.gov.example/in"
    assert (
        await register("https://a.city.gov.example:8443/x") == "https://a.city.gov.example:8443/x"
    )
    for url in (
        "http://events.gov.example/in",  # plain HTTP: not allowed here
        "https://events.gov.example.attacker.example/in",
        "https://city.gov.example.evil/in",
        "https://notify:8005/api",  # inside the cluster
        "https:///nohost",
    ):
        with pytest.raises(InvalidArgument) as refused:
            await register(url)
        assert refused.value.field == "callback_url", url
