"""A small in-process limiter against brute force (query codes, one-time codes).

Per replica: with N replicas an attacker gets N times the budget, which stays tiny against an
8-character code from a 32-letter alphabet. Sign-in lockout is durable, in identity's database.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from govnet_kit.errors import ResourceExhausted


class TooManyAttempts(ResourceExhausted):
    def __init__(self, retry_after: int):
        super().__init__(
            f"too many attempts; try again in {retry_after} s",
            message_zh=f"尝试次数过多，请 {retry_after} 秒后再试",
        )
        self.retry_after = retry_after


class FailureLimiter:
    """At most `limit` failures per key within `window` seconds; then refuse until they age out."""

    def __init__(self, *, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self._limit = limit
        self._window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures

    def check(self, key: str) -> None:
        failures = self._recent(key)
        if len(failures) >= self._limit:
            raise TooManyAttempts(int(failures[0] + self._window - self._clock()) + 1)

    def failed(self, key: str) -> None:
        self._recent(key)
        self._failures.setdefault(key, deque()).append(self._clock())
