"""The delivery worker against real databases, the test SMS provider and a real SMTP server.

Time is a FakeClock the tests move: backoff and rate limits are measured on it, never by
sleeping. Each test asserts what a recipient (or an operator) would notice: what arrived, how
often, and what was given up on loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from govnet_kit.db import make_engine, make_sessionmaker, transaction
from notify.notification import delivery
from notify.notification.channels.base import Result
from notify.notification.channels.in_app import InAppChannel
from notify.notification.channels.sms import SmsChannel, TestSmsProvider
from notify.notification.channels.smtp import EmailChannel, SmtpSettings
from notify.notification.delivery import RetryPolicy
from notify.notification.models import DeliveryAlert, DeliveryStatus
from notify.notification.worker import DeliveryWorker
from tests.notify.notifykit import (
    FakeClock,
    Sessions,
    SmtpServer,
    case_number,
    count,
    email,
    free_port,
    in_app,
    notifications_of,
    notify_case,
    sms,
)

S = DeliveryStatus
POLICY = RetryPolicy(max_attempts=3, base=timedelta(seconds=10), cap=timedelta(minutes=5))
FAST = {"sms": 1000, "email": 1000, "in_app": 1000}


def make_worker(
    sessions: Sessions,
    smtp: SmtpServer,
    *,
    clock: FakeClock | None = None,
    provider: TestSmsProvider | None = None,
    smtp_port: int | None = None,
    rates: dict[str, int] = FAST,
    lease: float = 60.0,
) -> DeliveryWorker:
    channels = {
        "sms": SmsChannel(provider or TestSmsProvider(), timeout=2.0),
        "email": EmailChannel(
            SmtpSettings(
                host=smtp.host,
                port=smtp_port or smtp.port,
                sender="政务服务 <noreply@govnet.example>",
                timeout=5.0,
            )
        ),
        "in_app": InAppChannel(),
    }
    if clock is None:
        return DeliveryWorker(
            sessions, channels, policy=POLICY, rates=rates, lease=timedelta(seconds=lease)
        )
    return DeliveryWorker(
        sessions,
        channels,
        policy=POLICY,
        rates=rates,
        lease=timedelta(seconds=lease),
        clock=clock,
        sleep=clock.sleep,
    )


async def alerts(sessions: Sessions) -> list[DeliveryAlert]:
    async with sessions() as session:
        return list((await session.scalars(select(DeliveryAlert))).all())


async def test_every_channel_delivers_once_and_records_it(
    sessions: Sessions, smtp_server: SmtpServer
):
    clock = FakeClock()
    provider = TestSmsProvider()
    worker = make_worker(sessions, smtp_server, clock=clock, provider=provider)
    await notify_case(
        sessions, case_number(1), sms("13800000001"), in_app("staff:duty-1"), events=2
    )
    await notify_case(sessions, case_number(2), email("ok@example.org"), events=2)

    assert await worker.drain() == 6
    assert await worker.drain() == 0  # nothing is sent twice

    told = await notifications_of(sessions)
    assert {(n.channel, n.status, n.attempts) for n in told} == {
        ("sms", S.DELIVERED, 1),
        ("email", S.DELIVERED, 1),
        ("in_app", S.DELIVERED, 1),
    }
    assert all(n.delivered_at == clock.now and n.next_attempt_at is None for n in told)
    assert all(n.provider_reference for n in told)
    assert sorted(s.reference for s in provider.sent) == sorted(
        n.id for n in told if n.channel == "sms"
    )
    for n in told:
        if n.channel == "email":
            [mail] = smtp_server.mailbox.by_notification(n.id)
            assert mail["Subject"] == n.subject and case_number(2) in mail["Subject"]
    assert await alerts(sessions) == []


async def test_temporary_failure_is_retried_with_backoff_then_delivered(
    sessions: Sessions, smtp_server: SmtpServer
):
    clock = FakeClock()
    provider = TestSmsProvider()
    worker = make_worker(sessions, smtp_server, clock=clock, provider=provider)
    await notify_case(sessions, case_number(), sms("13800000005"))  # fails twice (sms.py)
    start = clock.now

    assert await worker.drain() == 1
    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts, n.last_error) == (S.TEMPORARY_FAILURE, 1, "phone switched off")
    assert n.next_attempt_at == start + timedelta(seconds=10)

    clock.advance(9.9)
    assert await worker.drain() == 0  # not due yet
    clock.advance(0.1)
    assert await worker.drain() == 1
    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts) == (S.TEMPORARY_FAILURE, 2)
    assert n.next_attempt_at == clock.now + timedelta(seconds=20)  # doubled

    clock.advance(20)
    assert await worker.drain() == 1
    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts, n.last_error) == (S.DELIVERED, 3, None)
    assert [(s.reference, s.attempt) for s in provider.sent] == [(n.id, 3)]
    assert await alerts(sessions) == []


@pytest.mark.parametrize(
    ("recipient", "last_status", "smtp_down"),
    [
        (sms("13800000003"), S.TEMPORARY_FAILURE, False),
        (sms("13800000004"), S.TECHNICAL_FAILURE, False),
        (email("someone@example.org"), S.TECHNICAL_FAILURE, True),
        (email("busy@example.org"), S.TEMPORARY_FAILURE, False),
    ],
    ids=["sms-phone-off", "sms-provider-error", "smtp-unreachable", "smtp-451"],
)
async def test_retries_exhausted_become_permanent_failure_with_an_alert(
    sessions: Sessions,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
    recipient,
    last_status: S,
    smtp_down: bool,
):
    clock = FakeClock()
    port = free_port() if smtp_down else None
    worker = make_worker(sessions, smtp_server, clock=clock, smtp_port=port)
    await notify_case(sessions, case_number(), recipient)

    with caplog.at_level(logging.ERROR, logger="notify.notification.delivery"):
        for _ in range(POLICY.max_attempts):
            assert await worker.drain() == 1
            clock.advance(3600)
        assert await worker.drain() == 0  # given up: never tried again

    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts, n.next_attempt_at) == (S.PERMANENT_FAILURE, 3, None)
    [alert] = await alerts(sessions)
    assert (alert.notification_id, alert.reason, alert.last_status, alert.attempts) == (
        n.id,
        "retries-exhausted",
        last_status,
        3,
    )
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert n.id in logged.getMessage() and "retries-exhausted" in logged.getMessage()
    assert recipient.address not in logged.getMessage()  # the contact stays out of logs


@pytest.mark.parametrize(
    "recipient",
    [sms("13800000002"), sms("not-a-number"), email("bounce@example.org")],
    ids=["sms-no-subscriber", "sms-invalid", "smtp-550"],
)
async def test_permanent_failure_is_given_up_at_once_with_an_alert(
    sessions: Sessions, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture, recipient
):
    worker = make_worker(sessions, smtp_server, clock=FakeClock())
    await notify_case(sessions, case_number(), recipient)
    with caplog.at_level(logging.ERROR, logger="notify.notification.delivery"):
        assert await worker.drain() == 1
    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts, n.next_attempt_at) == (S.PERMANENT_FAILURE, 1, None)
    [alert] = await alerts(sessions)
    assert (alert.reason, alert.last_status) == ("permanent-failure", S.PERMANENT_FAILURE)
    assert any(n.id in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


@pytest.mark.parametrize("per_second", [3, 100])
async def test_rate_limit_per_channel_is_honoured(
    sessions: Sessions, smtp_server: SmtpServer, per_second: int
):
    clock = FakeClock()
    worker = make_worker(sessions, smtp_server, clock=clock, rates={**FAST, "sms": per_second})
    await notify_case(sessions, case_number(), sms("13800000001"), in_app("staff:1"), events=9)

    assert await worker.drain() == 18
    told = await notifications_of(sessions)
    assert {n.status for n in told} == {S.DELIVERED}
    sent = sorted(n.last_attempt_at for n in told if n.channel == "sms")
    # In any window of one second, at most `per_second` texts.
    for earlier, later in zip(sent, sent[per_second:], strict=False):
        assert later - earlier >= timedelta(seconds=1)
    if per_second == 3:
        assert sent[-1] - sent[0] >= timedelta(seconds=2)  # 9 texts at 3 a second
    else:
        assert clock.slept == timedelta()  # under the limit, nobody waits


async def test_in_app_is_claimed_in_batches_within_its_rate_each_once(
    sessions: Sessions, smtp_server: SmtpServer
):
    """In-app rows are claimed many at once (one claim and one outcome transaction for a
    batch), never more than the rate allows in any second, and each delivered once."""
    clock = FakeClock()
    worker = make_worker(sessions, smtp_server, clock=clock, rates={**FAST, "in_app": 30})
    for i in range(20):
        await notify_case(sessions, case_number(i + 1), in_app(f"staff:{i}"), events=4)

    assert await worker.drain() == 80
    assert await worker.drain() == 0
    told = await notifications_of(sessions)
    assert {(n.status, n.attempts) for n in told} == {(S.DELIVERED, 1)}
    claims = Counter(n.last_attempt_at for n in told)
    assert max(claims.values()) == 30  # a batch: as many as the second allows
    sent = sorted(n.last_attempt_at for n in told)
    for earlier, later in zip(sent, sent[30:], strict=False):
        assert later - earlier >= timedelta(seconds=1)


async def test_a_claim_taken_over_after_its_lease_cannot_be_overwritten(sessions: Sessions):
    """A worker that stalls past its lease loses the row to another; its late outcome is
    dropped rather than undoing the newer one."""
    await notify_case(sessions, case_number(), sms("13800000001"))
    t0 = datetime.now(UTC) + timedelta(seconds=1)
    lease = timedelta(seconds=60)

    async def claim(at: datetime) -> delivery.Claimed | None:
        async with transaction(sessions) as session:
            return await delivery.claim_next(session, channel="sms", now=at, lease=lease)

    async def record(claimed: delivery.Claimed, result: Result, at: datetime) -> S | None:
        async with transaction(sessions) as session:
            return await delivery.record_outcome(
                session, claimed=claimed, result=result, now=at, policy=POLICY
            )

    stalled = await claim(t0)
    assert stalled is not None and stalled.attempt == 1
    assert await claim(t0 + timedelta(seconds=59)) is None  # leased
    taker = await claim(t0 + timedelta(seconds=61))
    assert taker is not None and taker.attempt == 2

    assert await record(taker, Result(S.DELIVERED, reference="r2"), t0) == S.DELIVERED
    late = Result(S.TEMPORARY_FAILURE, detail="late")
    assert await record(stalled, late, t0) is None
    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts, n.provider_reference) == (S.DELIVERED, 2, "r2")


async def test_restart_mid_way_delivers_the_rest_exactly_once(
    sessions: Sessions, smtp_server: SmtpServer
):
    """The worker is killed while a text is with the provider: a new worker sends the rest at
    once, and the interrupted one when its lease has run out; each exactly once."""
    await notify_case(sessions, case_number(), sms("13800000001"), events=6)
    slow = TestSmsProvider(latency=0.3)
    first = asyncio.create_task(make_worker(sessions, smtp_server, provider=slow).drain())

    async def states() -> Counter[str]:
        return Counter(n.status for n in await notifications_of(sessions))

    in_flight = Counter({S.DELIVERED: 2, S.SENDING: 1, S.CREATED: 3})
    async with asyncio.timeout(10):
        # Two recorded as delivered, the third claimed (committed) and with the provider.
        while await states() != in_flight:  # noqa: ASYNC110 - the state is in the database
            await asyncio.sleep(0.01)
    assert len(slow.sent) == 2
    first.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await first
    assert await states() == in_flight

    after = TestSmsProvider()
    assert await make_worker(sessions, smtp_server, provider=after).drain() == 3
    lease_over = FakeClock(datetime.now(UTC) + timedelta(seconds=61))
    assert await make_worker(sessions, smtp_server, provider=after, clock=lease_over).drain() == 1

    told = await notifications_of(sessions)
    assert {n.status for n in told} == {S.DELIVERED}
    sends = Counter(s.reference for s in slow.sent + after.sent)
    assert sends == Counter({n.id: 1 for n in told})
    assert sorted(n.attempts for n in told) == [1, 1, 1, 1, 1, 2]


async def test_two_workers_at_once_deliver_each_notification_exactly_once(
    pg_sessions: Sessions, smtp_server: SmtpServer
):
    """Two replicas on one PostgreSQL database: SKIP LOCKED claims, nothing twice, nothing left."""
    for i in range(10):
        applicant = sms(f"138{i:07d}1") if i % 2 else email(f"applicant{i}@example.org")
        await notify_case(
            pg_sessions, case_number(i + 1), applicant, in_app(f"staff:{i}"), events=3
        )
    url = pg_sessions.kw["bind"].url.render_as_string(hide_password=False)
    other_engine = make_engine(url)
    providers = [TestSmsProvider(latency=0.002), TestSmsProvider(latency=0.002)]
    try:
        workers = [
            make_worker(pg_sessions, smtp_server, provider=providers[0]),
            make_worker(make_sessionmaker(other_engine), smtp_server, provider=providers[1]),
        ]
        done = await asyncio.gather(*(w.drain() for w in workers))
    finally:
        await other_engine.dispose()

    told = await notifications_of(pg_sessions)
    assert len(told) == 60 and sum(done) == 60 and min(done) > 0  # both took part
    assert {(n.status, n.attempts) for n in told} == {(S.DELIVERED, 1)}
    texts = Counter(s.reference for p in providers for s in p.sent)
    assert texts == Counter({n.id: 1 for n in told if n.channel == "sms"})
    for n in told:
        if n.channel == "email":
            assert len(smtp_server.mailbox.by_notification(n.id)) == 1
    assert await count(pg_sessions, DeliveryAlert) == 0


async def test_a_notification_claimed_again_after_all_its_attempts_is_given_up(
    sessions: Sessions, smtp_server: SmtpServer
):
    """Workers that keep dying mid-send (no outcome recorded) cannot retry it for ever."""
    await notify_case(sessions, case_number(), sms("13800000001"))
    clock = FakeClock()
    for _ in range(POLICY.max_attempts):
        async with transaction(sessions) as session:
            assert await delivery.claim_next(
                session, channel="sms", now=clock.now, lease=timedelta(seconds=60)
            )
        clock.advance(61)  # the worker died; its lease runs out
    provider = TestSmsProvider()
    assert await make_worker(sessions, smtp_server, clock=clock, provider=provider).drain() == 1
    [n] = await notifications_of(sessions)
    assert (n.status, n.attempts) == (S.PERMANENT_FAILURE, POLICY.max_attempts + 1)
    assert provider.sent == []
    [alert] = await alerts(sessions)
    assert alert.reason == "retries-exhausted" and "no outcome" in alert.detail
