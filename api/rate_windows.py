"""Moving windows that count requests per (bucket, client key): in this process, or in Redis.

`LocalWindows` keeps, for each client key, the times of its hits within the window, trimmed when
the client comes back; keys idle for a whole window are swept at most once per `sweep_seconds`,
inside a request. (The `limits` library's memory storage starts a timer thread after nearly
every hit to expire entries: a thread per request or two on the matching path.)
`SharedWindows` is the `limits` moving window in Redis, shared by every worker.
Both count the same way: a hit is refused when `amount` hits fall within the last `seconds`.
"""

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from limits import RateLimitItem
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ["LocalWindows", "SharedWindows", "Windows"]


class Windows(Protocol):
    def hit(self, item: RateLimitItem, bucket: str, key: str) -> bool:
        """Count one hit; False (and not counted) when the window is full."""

    def retry_after(self, item: RateLimitItem, bucket: str, key: str) -> int:
        """Whole seconds until the window has room again (at least 1)."""


class LocalWindows:
    """Moving windows in this process's memory (one worker's own counts)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sweep_seconds: float = 60.0
    ) -> None:
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._longest = 0.0
        self._swept = clock()
        self._lock = threading.Lock()

    def hit(self, item: RateLimitItem, bucket: str, key: str) -> bool:
        seconds = float(item.get_expiry())
        with self._lock:
            now = self._clock()
            self._longest = max(self._longest, seconds)
            if now - self._swept >= self._sweep_seconds:
                self._sweep(now)
            times = self._hits.setdefault((bucket, key), deque())
            while times and times[0] <= now - seconds:
                times.popleft()
            if len(times) >= item.amount:
                return False
            times.append(now)
            return True

    def retry_after(self, item: RateLimitItem, bucket: str, key: str) -> int:
        with self._lock:
            times = self._hits.get((bucket, key))
            if not times:
                return 1
            # the window has room once the hit `amount` places back has left it
            oldest = times[-item.amount] if len(times) >= item.amount else times[0]
            wait = oldest + float(item.get_expiry()) - self._clock()
        return max(1, math.ceil(wait))

    def clients(self) -> int:
        """How many (bucket, client) windows are held (for tests of the sweep)."""
        with self._lock:
            return len(self._hits)

    def _sweep(self, now: float) -> None:
        horizon = now - self._longest
        stale = [name for name, times in self._hits.items() if not times or times[-1] <= horizon]
        for name in stale:
            del self._hits[name]
        self._swept = now


class SharedWindows:
    """Moving windows in Redis (`limits`), the same for every worker and every restart."""

    def __init__(self, url: str, key_prefix: str) -> None:
        storage = RedisStorage(url, key_prefix=key_prefix, wrap_exceptions=True)
        self._limiter = MovingWindowRateLimiter(storage)

    def hit(self, item: RateLimitItem, bucket: str, key: str) -> bool:
        return bool(self._limiter.hit(item, bucket, key))

    def retry_after(self, item: RateLimitItem, bucket: str, key: str) -> int:
        reset = self._limiter.get_window_stats(item, bucket, key).reset_time
        return max(1, math.ceil(reset - time.time()))
