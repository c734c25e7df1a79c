"""What the fault scenarios share: drive cases through the tiers' public APIs, read back what
JetStream holds and what notify stored, and check that every status change was published once
and told once to each recipient.

Counting is done where the truth is: the stream (every message, with its Nats-Msg-Id) and
notify's own PostgreSQL database (every notification row), never a mock.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import nats
import psycopg
from nats.js.api import DeliverPolicy
from sqlalchemy.engine import make_url

from govnet.common.v1 import case_pb2
from govnet.events.v1 import events_pb2
from tools import journey
from tools.launcher import BIN, Platform

V, T, C = case_pb2.TIER_VILLAGE, case_pb2.TIER_TOWN, case_pb2.TIER_CITY
ACCEPTANCE = {
    (V, case_pb2.CASE_STATUS_ACCEPTED),
    (V, case_pb2.CASE_STATUS_TRANSMITTED),
    (T, case_pb2.CASE_STATUS_RECEIVED),
    (T, case_pb2.CASE_STATUS_TRANSMITTED),
    (C, case_pb2.CASE_STATUS_PENDING_DECISION),
}
DECISION = {
    (C, case_pb2.CASE_STATUS_IN_REVIEW),
    (C, case_pb2.CASE_STATUS_APPROVED),
    (V, case_pb2.CASE_STATUS_REPLY_READY),
}
ROLES = ("applicant", "agent")
# notify runs with shorter limits than its defaults, so a scenario ends in seconds, not minutes:
# a status event is dead-lettered at its 5th failed delivery (1 + 2 + 4 + 8 s of backoff) instead
# of its 20th, and a send claimed by a killed process is taken over after 5 s instead of 60 s.
NOTIFY_FAST = {
    "NOTIFY_CONSUMER_MAX_DELIVER": "5",
    "NOTIFY_SMS_TIMEOUT_SECONDS": "2",
    "NOTIFY_SMTP_TIMEOUT_SECONDS": "2",
    "NOTIFY_SUBSCRIPTION_TIMEOUT_SECONDS": "2",
    "NOTIFY_DELIVERY_LEASE_SECONDS": "5",
    "NOTIFY_DELIVERY_POLL_SECONDS": "0.5",
    "NOTIFY_SUBSCRIPTION_ALLOW_HTTP": "true",
    "NOTIFY_SUBSCRIPTION_CALLBACK_HOSTS": '["127.0.0.1"]',
    "NOTIFY_SUBSCRIPTION_RETRY_BASE_SECONDS": "1",
    "NOTIFY_SUBSCRIPTION_RETRY_MAX_SECONDS": "4",
}
WAIT = 90.0  # the longest a scenario waits for the platform to settle after its fault
READY = 180.0  # the longest a (re)started process may take to answer /readyz


class Tiers:
    """One signed-in window per tier, over the public HTTP APIs."""

    def __init__(self, platform: Platform):
        self.platform = platform
        self.password = platform.secrets["IDENTITY_DEMO_PASSWORD"]
        self.village = platform.http("village-room")
        self.town = platform.http("town-hall")
        self.city = platform.http("city-center")
        self.client = httpx.Client(timeout=20.0, trust_env=False)
        self.sign_in()

    def sign_in(self) -> None:
        """Again after a restart of a tier: sessions may be held in the tier's memory."""
        self.staff = journey.sign_in(self.client, self.village, "village.duty", self.password)
        self.town_staff = journey.sign_in(self.client, self.town, "town.window", self.password)
        self.rep = journey.sign_in(self.client, self.city, "forestry.rep", self.password)
        cred = self.client.post(
            f"{self.city}/api/v1/approval-credential",
            json={"department_code": "forestry"},
            headers=self.rep,
        )
        cred.raise_for_status()
        self.credential = cred.json()["approval_credential"]

    def close(self) -> None:
        self.client.close()

    def submit(self) -> str:
        return journey.submit_complete(self.client, self.village, self.staff)["case_number"]

    def submit_many(
        self, n: int, *, every: float = 0.0, into: list[str] | None = None
    ) -> list[str]:
        """n applications, `every` seconds apart; appended to `into` as they are accepted."""
        out = [] if into is None else into
        for i in range(n):
            if i and every:
                time.sleep(every)
            out.append(self.submit())
        return out

    def city_case(self, case_number: str) -> dict[str, Any] | None:
        r = self.client.get(f"{self.city}/api/v1/cases/{case_number}", headers=self.rep)
        return r.json() if r.status_code == 200 else None

    def village_case(self, case_number: str) -> dict[str, Any]:
        r = self.client.get(f"{self.village}/api/v1/cases/{case_number}", headers=self.staff)
        r.raise_for_status()
        return r.json()

    def wait_at_city(self, cases: Iterable[str], timeout: float = WAIT) -> None:
        for n in cases:
            journey.until(f"{n} at the city", lambda n=n: self.city_case(n), timeout)

    def decide(self, case_number: str) -> dict[str, Any]:
        r = self.client.post(
            f"{self.city}/api/v1/cases/{case_number}/decision",
            json={"outcome": "approve"},
            headers={**self.rep, "X-Approval-Credential": self.credential},
        )
        r.raise_for_status()
        return r.json()

    def wait_replied(self, cases: Iterable[str], timeout: float = WAIT) -> None:
        for n in cases:
            journey.until(
                f"the reply of {n} at the village",
                lambda n=n: self.village_case(n)["status"] == "CASE_STATUS_REPLY_READY",
                timeout,
            )


class Background:
    """Run a callable in a thread (a stream of changes while the test injects a fault)."""

    def __init__(self, target, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        self.result: Any = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = target(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised in join()
                self.error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def join(self, timeout: float = WAIT) -> Any:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("the background stream did not finish")
        if self.error is not None:
            raise self.error
        return self.result


# -- what JetStream holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    msg_id: str
    event: events_pb2.CaseStatusChanged


def stream_events(nats_url: str, cases: Iterable[str]) -> dict[str, list[Published]]:
    """Every status message in GOVNET_CASES for these cases (ordered consumer, from the start)."""
    wanted = set(cases)

    async def read() -> dict[str, list[Published]]:
        nc = await nats.connect(nats_url)
        out: dict[str, list[Published]] = {n: [] for n in wanted}
        try:
            sub = await nc.jetstream().subscribe(
                "govnet.case.status.>", ordered_consumer=True, deliver_policy=DeliverPolicy.ALL
            )
            while True:
                try:
                    msg = await sub.next_msg(timeout=1.0)
                except TimeoutError:
                    break
                try:
                    event = events_pb2.CaseStatusChanged.FromString(msg.data)
                except Exception:  # noqa: BLE001 - the poison messages of the poison scenario
                    continue
                if event.case_number in wanted:
                    msg_id = (msg.headers or {}).get("Nats-Msg-Id", "")
                    out[event.case_number].append(Published(msg_id, event))
            await sub.unsubscribe()
        finally:
            await nc.close()
        return out

    return asyncio.run(read())


# -- what the services' databases hold ------------------------------------------------------


def pg_query(platform: Platform, service: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    url = make_url(platform.database_urls[service])
    with psycopg.connect(
        host=url.query.get("host") or url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname=url.database,
    ) as conn:
        return conn.execute(sql, params).fetchall()


def audit_counts(platform: Platform, service: str, action: str, cases: list[str]) -> Counter[str]:
    """How often each case's audit chain at that service records the action."""
    rows = pg_query(
        platform,
        service,
        "SELECT case_number, count(*) FROM audit_entry"
        " WHERE action = %s AND case_number = ANY(%s) GROUP BY case_number",
        action,
        cases,
    )
    return Counter({n: c for n, c in rows})


def notifications(platform: Platform, cases: Iterable[str]) -> list[tuple[str, str, str, int]]:
    """(event_id, role, status, attempts) of every notification of these cases."""
    return pg_query(
        platform,
        "notify",
        "SELECT event_id, role, status, attempts FROM notification"
        " WHERE case_number = ANY(%s) AND event_id IS NOT NULL",
        list(cases),
    )


@dataclass
class Tally:
    cases: int
    events: int
    notifications: int
    attempts: Counter[int] = field(default_factory=Counter)
    seconds_to_settle: float = 0.0

    def __str__(self) -> str:
        return (
            f"{self.cases} cases, {self.events} status changes, {self.notifications} "
            f"notifications (attempts {dict(self.attempts)}), settled in "
            f"{self.seconds_to_settle:.1f}s"
        )


def exactly_once(
    platform: Platform,
    cases: list[str],
    expected: set[tuple[int, int]],
    *,
    timeout: float = WAIT,
) -> Tally:
    """Wait until notify has delivered a notification per status change and role, then check:
    each case's expected changes were published once each (one message per event id), and each
    of them was told exactly once to the applicant and once to the agent, nothing else."""
    started = time.monotonic()
    want = 2 * len(expected) * len(cases)

    def settled() -> bool:
        rows = notifications(platform, cases)
        return sum(1 for r in rows if r[2] == "delivered") >= want

    try:
        journey.until(f"{want} delivered notifications", settled, timeout)
    except TimeoutError:
        pass  # the assertions below say what is missing
    settle = time.monotonic() - started

    published = stream_events(platform.nats_url, cases)
    event_ids: set[str] = set()
    for case, msgs in published.items():
        steps = Counter((p.event.tier, p.event.status) for p in msgs)
        assert expected <= set(steps), f"{case}: missing {expected - set(steps)}"
        assert set(steps.values()) == {1}, f"{case}: a status change published twice: {steps}"
        ids = Counter(p.msg_id for p in msgs)
        assert set(ids.values()) == {1}, f"{case}: one event id in several messages: {ids}"
        assert all(p.msg_id == p.event.event_id for p in msgs)
        event_ids |= set(ids)

    rows = notifications(platform, cases)
    told = Counter((event_id, role) for event_id, role, _, _ in rows)
    missing = {(e, r) for e in event_ids for r in ROLES} - set(told)
    assert not missing, f"{len(missing)} status changes never told: {sorted(missing)[:5]}"
    doubled = {k: n for k, n in told.items() if n != 1}
    assert not doubled, f"told more than once: {doubled}"
    strays = {e for e, _ in told} - event_ids
    assert not strays, f"notifications of events not in the stream: {strays}"
    undelivered = [(e, r, s) for e, r, s, _ in rows if s != "delivered"]
    assert not undelivered, f"not delivered: {undelivered[:5]}"
    return Tally(
        cases=len(cases),
        events=len(event_ids),
        notifications=len(rows),
        attempts=Counter(a for *_, a in rows),
        seconds_to_settle=settle,
    )


# -- the operator's commands ----------------------------------------------------------------


def operator(platform: Platform, service: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`<service> <args>` as an operator runs it, with the service's own configuration."""
    prefixes = tuple(f"{s.upper().replace('-', '_')}_" for s in platform.services)
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return subprocess.run(
        [str(BIN / service), *args],
        env={**env, **platform.env_for(service)},
        capture_output=True,
        text=True,
        timeout=READY,  # a process start, slow on a loaded machine
    )


# -- a subscriber's endpoint (A3) ------------------------------------------------------------


class Subscriber:
    """An integration client's callback on 127.0.0.1 that can be made to fail (503) and
    recover; it keeps every delivery it accepted, after verifying the signature."""

    def __init__(self) -> None:
        self.failing = True
        self.refused = 0
        self.accepted: list[dict[str, Any]] = []
        self.secret = ""
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if outer.failing:
                    outer.refused += 1
                    self.send_response(503)
                elif not outer.verified(self.headers, body):
                    self.send_response(401)
                else:
                    outer.accepted.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/govnet-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verified(self, headers: Any, body: bytes) -> bool:
        timestamp = headers.get("Govnet-Timestamp", "")
        mac = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return hmac.compare_digest("v1=" + mac.hexdigest(), headers.get("Govnet-Signature", ""))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
