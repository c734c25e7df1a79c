"""The delivery worker: a background task of notify that sends every due notification (N1).

One lane per channel, so a slow or throttled channel never holds up the others. Each lane
claims due notifications (delivery.claim_due), sends them, and records the outcomes; it is
woken after a commit that created notifications and otherwise polls. A channel that calls out
(SMS, email) is claimed one notification at a time, so one hung send holds no other claim; a
channel that only writes our own rows (in-app, its `batch` attribute) is claimed up to a batch
at once, within its rate, and its outcomes are recorded in one transaction. Several replicas
may run it: claims skip each other's rows, and a dead replica's claims expire.

Time comes from an injected clock, and waiting from an injected sleep, so tests can measure
rate limits and backoff without waiting for them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import transaction, utcnow
from notify.notification import delivery
from notify.notification.channels.base import Channel, Result
from notify.notification.delivery import RetryPolicy
from notify.notification.models import DeliveryStatus

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
_SECOND = timedelta(seconds=1)


class RateLimiter:
    """At most `per_second` sends in any one-second window (a sliding window, per replica)."""

    def __init__(self, per_second: int, *, clock: Clock, sleep: Sleep):
        self._sent: deque[datetime] = deque(maxlen=per_second)
        self._clock = clock
        self._sleep = sleep

    async def wait(self) -> None:
        """Until one more send would keep within the limit."""
        while len(self._sent) == self._sent.maxlen:
            wait = (self._sent[0] + _SECOND - self._clock()).total_seconds()
            if wait <= 0:
                return
            await self._sleep(wait)

    def record(self) -> None:
        self._sent.append(self._clock())

    def room(self) -> int:
        """How many sends the limit allows right now."""
        now = self._clock()
        assert self._sent.maxlen is not None
        return self._sent.maxlen - sum(1 for at in self._sent if at + _SECOND > now)


class DeliveryWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        *,
        policy: RetryPolicy,
        rates: Mapping[str, int],
        lease: timedelta = timedelta(seconds=60),
        poll: float = 1.0,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ):
        self._sessions = sessions
        self._channels = dict(channels)
        self._policy = policy
        self._lease = lease
        self._poll = poll
        self._clock = clock
        self._limiters = {
            name: RateLimiter(rates.get(name, 10), clock=clock, sleep=sleep) for name in channels
        }
        self._wake = {name: asyncio.Event() for name in channels}

    def wake(self) -> None:
        """After a commit that created notifications: send them now, not at the next poll."""
        for event in self._wake.values():
            event.set()

    async def deliver_next(self, channel: str) -> int:
        """Claim, send and record the channel's due notifications, as many as its batch and
        rate allow; how many were claimed (0: none was due)."""
        limiter = self._limiters[channel]
        await limiter.wait()
        limit = max(1, min(getattr(self._channels[channel], "batch", 1), limiter.room()))
        async with transaction(self._sessions) as session:
            claimed = await delivery.claim_due(
                session, channel=channel, now=self._clock(), lease=self._lease, limit=limit
            )
        outcomes: list[tuple[delivery.Claimed, Result | None]] = []
        for c in claimed:
            if c.attempt > self._policy.max_attempts:
                outcomes.append((c, None))  # given up unsent
                continue
            await limiter.wait()
            limiter.record()
            outcomes.append((c, await self._send(self._channels[channel], c)))
        if len(outcomes) == 1:
            async with transaction(self._sessions) as session:
                await self._record(session, *outcomes[0])
        elif outcomes:
            await self._record_all(outcomes)
        return len(claimed)

    async def _record(
        self, session: AsyncSession, claimed: delivery.Claimed, result: Result | None
    ) -> None:
        if result is None:
            await delivery.give_up_unsent(
                session, claimed=claimed, policy=self._policy, now=self._clock()
            )
        else:
            await delivery.record_outcome(
                session, claimed=claimed, result=result, now=self._clock(), policy=self._policy
            )

    async def _record_all(self, outcomes: list[tuple[delivery.Claimed, Result | None]]) -> None:
        """The outcomes in one transaction; if that fails, one by one, so one bad row does
        not leave the others' sends unrecorded (and sent again when their leases end)."""
        try:
            async with transaction(self._sessions) as session:
                for claimed, result in outcomes:
                    await self._record(session, claimed, result)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - each outcome again on its own
            log.warning(
                "delivery: %d outcomes failed together (%s); one by one", len(outcomes), exc
            )
        for claimed, result in outcomes:
            try:
                async with transaction(self._sessions) as session:
                    await self._record(session, claimed, result)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - left to its lease, like a worker that died
                log.exception("notification %s: outcome not recorded", claimed.id)

    async def _send(self, channel: Channel, claimed: delivery.Claimed) -> Result:
        # The lease bounds a send whatever the channel does; past it another worker may send.
        limit = self._lease.total_seconds() / 2
        try:
            return await asyncio.wait_for(channel.send(claimed.message), timeout=limit)
        except TimeoutError:
            return Result(DeliveryStatus.TECHNICAL_FAILURE, detail=f"no answer in {limit:g} s")
        except Exception as exc:  # noqa: BLE001 - a channel bug is a technical failure, retried
            log.exception("notification %s: channel %s raised", claimed.id, channel.name)
            return Result(DeliveryStatus.TECHNICAL_FAILURE, detail=f"{type(exc).__name__}: {exc}")

    async def drain(self) -> int:
        """Send until nothing is due on any channel; how many attempts were made."""

        async def lane(channel: str) -> int:
            done = 0
            while claimed := await self.deliver_next(channel):
                done += claimed
            return done

        return sum(await asyncio.gather(*(lane(c) for c in self._channels)))

    async def _lane(self, channel: str) -> None:
        wake = self._wake[channel]
        while True:
            try:
                sent = await self.deliver_next(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be briefly away
                log.warning("delivery %s: %s", channel, exc)
                sent = 0
            if not sent:
                try:
                    await asyncio.wait_for(wake.wait(), timeout=self._poll)
                except TimeoutError:
                    pass
                wake.clear()

    async def run(self) -> None:
        """The background task: one lane per channel until cancelled."""
        await asyncio.gather(*(self._lane(c) for c in self._channels))
