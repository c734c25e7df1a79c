"""The delivery worker: a background task of notify that sends every due notification (N1).

One lane per channel, so a slow or throttled channel never holds up the others. Each lane
claims one due notification at a time (delivery.claim_next), sends it, and records the
outcome; it is woken after a commit that created notifications and otherwise polls. Several
replicas may run it: claims skip each other's rows, and a dead replica's claims expire.

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

    async def deliver_next(self, channel: str) -> bool:
        """Claim, send and record one due notification of the channel; False if none was due."""
        limiter = self._limiters[channel]
        await limiter.wait()
        async with transaction(self._sessions) as session:
            claimed = await delivery.claim_next(
                session, channel=channel, now=self._clock(), lease=self._lease
            )
        if claimed is None:
            return False
        if claimed.attempt > self._policy.max_attempts:
            async with transaction(self._sessions) as session:
                await delivery.give_up_unsent(
                    session, claimed=claimed, policy=self._policy, now=self._clock()
                )
            return True
        limiter.record()
        result = await self._send(self._channels[channel], claimed)
        async with transaction(self._sessions) as session:
            await delivery.record_outcome(
                session, claimed=claimed, result=result, now=self._clock(), policy=self._policy
            )
        return True

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
            while await self.deliver_next(channel):
                done += 1
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
                sent = False
            if not sent:
                try:
                    await asyncio.wait_for(wake.wait(), timeout=self._poll)
                except TimeoutError:
                    pass
                wake.clear()

    async def run(self) -> None:
        """The background task: one lane per channel until cancelled."""
        await asyncio.gather(*(self._lane(c) for c in self._channels))
