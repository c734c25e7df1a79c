"""The subscription worker: a background task of notify that POSTs every owed event to its
subscriber's callback (A3), with `lanes` deliveries in flight per replica.

A 2xx answer is delivered; anything else (another status, a refused connection, a timeout) is
retried with backoff until the attempts run out, then given up on loudly. Redirects are not
followed: the registered URL is the only one notify posts to.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from govnet_kit.db import transaction, utcnow
from notify.notification.delivery import RetryPolicy
from notify.subscription import delivery

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class SubscriptionWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        policy: RetryPolicy,
        timeout: float = 10.0,
        lease: timedelta = timedelta(seconds=60),
        lanes: int = 4,
        poll: float = 1.0,
        clock: Clock = utcnow,
        wall: Callable[[], float] = time.time,
    ):
        self._sessions = sessions
        self._policy = policy
        self._timeout = timeout
        self._lease = lease
        self._lanes = lanes
        self._poll = poll
        self._clock = clock
        self._wall = wall
        self._wake = asyncio.Event()
        self._http: httpx.AsyncClient | None = None

    def wake(self) -> None:
        """After a commit that owed events to subscribers: send them now."""
        self._wake.set()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=self._timeout, follow_redirects=False, trust_env=False
            )
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def deliver_next(self) -> bool:
        """Claim, POST and record one due delivery; False if none was due."""
        async with transaction(self._sessions) as session:
            claimed = await delivery.claim_next(session, now=self._clock(), lease=self._lease)
        if claimed is None:
            return False
        if claimed.attempt > self._policy.max_attempts:
            error: str | None = f"no outcome recorded in {self._policy.max_attempts} attempts"
        else:
            error = await self._post(claimed)
        async with transaction(self._sessions) as session:
            await delivery.record_outcome(
                session, claimed=claimed, error=error, now=self._clock(), policy=self._policy
            )
        return True

    async def _post(self, claimed: delivery.Claimed) -> str | None:
        """None when the subscriber took it (2xx), else what went wrong."""
        headers = claimed.headers(int(self._wall()))
        try:
            async with asyncio.timeout(self._lease.total_seconds() / 2):
                resp = await self._client().post(claimed.url, content=claimed.body, headers=headers)
        except TimeoutError:
            return f"no answer in {self._timeout:g} s"
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"
        if 200 <= resp.status_code < 300:
            return None
        return f"HTTP {resp.status_code}: {resp.text[:200]}"

    async def drain(self) -> int:
        """Deliver until nothing is due; how many attempts were made (tests, one lane)."""
        done = 0
        while await self.deliver_next():
            done += 1
        return done

    async def _lane(self) -> None:
        while True:
            try:
                sent = await self.deliver_next()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database may be briefly away
                log.warning("subscription delivery: %s", exc)
                sent = False
            if not sent:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def run(self) -> None:
        """The background task: `lanes` deliveries at a time until cancelled."""
        try:
            await asyncio.gather(*(self._lane() for _ in range(self._lanes)))
        finally:
            await self.close()
