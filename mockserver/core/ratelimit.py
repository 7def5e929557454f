"""Request quotas counted in fixed periods on the server clock.

Providers state their limits as "N requests per window, counted in P-second periods"
(Accredible: 2000 per 5 minutes in 30-second periods; Springest: 30 certificate posts per
minute). A window is the last `window // period` periods, the current one included.

Why not a library: `limits` (behind Flask-Limiter) reads the wall clock, and the sandbox's
limits must follow the server clock so that QA can freeze it, or jump past a window, and see
the quota reset at once. `pyrate-limiter` takes a custom clock, but it keeps a sliding log of
every request rather than counts per period, so its answers differ from the documented
"counted in 30-second periods" at window edges, and it runs a leak thread per bucket. The
counting itself is a handful of lines.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mockserver.core.durations import parse_duration
from mockserver.core.store import Store


@dataclass(frozen=True)
class Quota:
    limit: int
    window_seconds: float
    period_seconds: float

    def describe(self) -> dict[str, float | int]:
        return {
            "limit": self.limit,
            "window_seconds": self.window_seconds,
            "period_seconds": self.period_seconds,
        }


# The ranges a quota may take (fixtures and control plane alike): a period of 1e-300 s once
# made every later request of that provider a 500 (a division overflowed).
MAX_LIMIT = 1_000_000_000
MIN_SECONDS = 0.001
MAX_WINDOW_SECONDS = 7 * 24 * 3600


def quota_from(data: Any, default: Quota) -> Quota:
    """A quota from fixture or control-plane settings (`limit`, `window_seconds`,
    `period_seconds`); fields left out keep the default's. ValueError when one is not a
    positive number."""
    if not isinstance(data, dict):
        return default
    limit = data.get("limit", default.limit)
    if isinstance(limit, str) and limit.strip().isdigit():
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r:.40}")
    durations = {}
    for name, fallback, most in (
        ("window_seconds", default.window_seconds, f"{MAX_WINDOW_SECONDS} s"),
        ("period_seconds", default.period_seconds, "window_seconds"),
    ):
        try:
            # Durations as everywhere on the control plane: 300, "90s", "5m", "1h", "1d".
            durations[name] = parse_duration(data.get(name, fallback))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{name} must be a duration from {MIN_SECONDS} to {most}: {exc}"
            ) from exc
    quota = Quota(limit=limit, **durations)
    if not 1 <= quota.limit <= MAX_LIMIT:
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if not MIN_SECONDS <= quota.window_seconds <= MAX_WINDOW_SECONDS:
        raise ValueError(f"window_seconds must be from {MIN_SECONDS} to {MAX_WINDOW_SECONDS}")
    if not MIN_SECONDS <= quota.period_seconds <= quota.window_seconds:
        raise ValueError(f"period_seconds must be from {MIN_SECONDS} to window_seconds")
    return quota


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until a period leaves the window (0 when allowed)


class MemoryCounts:
    """Hits per key and period in this process (one server, the default)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, dict[int, int]] = defaultdict(dict)

    @contextmanager
    def buckets(self, key: str) -> Iterator[dict[int, int]]:
        with self._lock:
            yield self._hits[key]

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


class StoreCounts:
    """Hits per key and period kept in the store, so that several servers sharing one
    PostgreSQL store share one quota (30 posts a minute stay 30 behind two replicas). A hit is
    counted and judged in one statement there (Store.count_hit); periods that left the window
    are dropped now and then, not on every hit."""

    PRUNE_EVERY = 500

    def __init__(self, store: Store, name: str) -> None:
        self._store = store
        self._prefix = f"{name}:"
        self._since_prune = 0
        self._lock = threading.Lock()

    def hit(
        self, key: str, period: int, oldest: int, limit: int, count_refused: bool
    ) -> tuple[int, bool, int | None]:
        """(hits before this one in the window, whether it was counted, first period)."""
        self._prune_now_and_then(oldest)
        return self._store.count_hit(self._prefix + key, period, oldest, limit, count_refused)

    def hit_soon(
        self, key: str, period: int, oldest: int, limit: int, count_refused: bool
    ) -> Callable[[], tuple[int, bool, int | None]]:
        """`hit`, made with the thread's next record read (Store.count_hit_soon)."""
        self._prune_now_and_then(oldest)
        return self._store.count_hit_soon(self._prefix + key, period, oldest, limit, count_refused)

    def _prune_now_and_then(self, oldest: int) -> None:
        with self._lock:
            self._since_prune += 1
            prune = self._since_prune >= self.PRUNE_EVERY
            if prune:
                self._since_prune = 0
        if prune:
            self._store.forget_hits(self._prefix, before=oldest)

    def clear(self) -> None:
        self._store.forget_hits(self._prefix)


class RateLimiter:
    """Counts hits per key; thread-safe; keeps only the periods still inside the window."""

    def __init__(
        self,
        quota: Quota,
        now: Callable[[], float],
        counts: MemoryCounts | StoreCounts | None = None,
    ) -> None:
        self.quota = quota
        self._now = now
        self._counts = counts or MemoryCounts()

    def hit(self, key: str, count_refused: bool = True) -> Verdict:
        """Count one request for `key` and say whether it is within the quota.

        `count_refused` decides whether a refused request still uses up quota (Rails'
        rack-attack counts every request; Springest's 31st post is simply not stored).
        """
        quota = self.quota
        now = self._now()
        period, periods_in_window, oldest = _window(quota, now)
        if isinstance(self._counts, StoreCounts):
            used, _counted, first = self._counts.hit(
                key, period, oldest, quota.limit, count_refused
            )
            return _verdict(quota, now, period, periods_in_window, used, first)
        with self._counts.buckets(key) as buckets:
            for stale in [p for p in buckets if p < oldest]:
                del buckets[stale]
            used = sum(buckets.values())
            allowed = used < quota.limit
            if allowed or count_refused:
                buckets[period] = buckets.get(period, 0) + 1
            first = min(buckets) if buckets else None
        return _verdict(quota, now, period, periods_in_window, used, first)

    def hit_soon(self, key: str, count_refused: bool = True) -> Verdict | Callable[[], Verdict]:
        """`hit`, whose verdict may come later: on a store shared on PostgreSQL, a callable
        that gives it, the hit made with the thread's next record read (one round trip for
        both, Store.count_hit_soon) or when called; elsewhere the verdict, at once. For a
        request whose answer can wait for its verdict (core/later_verdicts.py)."""
        if not isinstance(self._counts, StoreCounts):
            return self.hit(key, count_refused)
        quota = self.quota
        now = self._now()
        period, periods_in_window, oldest = _window(quota, now)
        answer = self._counts.hit_soon(key, period, oldest, quota.limit, count_refused)

        def verdict() -> Verdict:
            used, _counted, first = answer()
            return _verdict(quota, now, period, periods_in_window, used, first)

        return verdict

    def configure(self, quota: Quota) -> None:
        """A new quota, counted afresh."""
        self.quota = quota
        self._counts.clear()

    def clear(self) -> None:
        self._counts.clear()


def _window(quota: Quota, now: float) -> tuple[int, int, int]:
    """(the period `now` is in, periods in the window, the window's oldest period)."""
    period = int(now // quota.period_seconds)
    periods_in_window = max(1, math.ceil(quota.window_seconds / quota.period_seconds))
    return period, periods_in_window, period - periods_in_window + 1


def _verdict(
    quota: Quota, now: float, period: int, periods_in_window: int, used: int, first: int | None
) -> Verdict:
    """The answer to a hit that found `used` hits before it in the window, the earliest in
    period `first`: refused ones wait until that period leaves the window."""
    if used < quota.limit:
        return Verdict(True, max(0, quota.limit - used - 1), 0)
    first = period if first is None else first
    retry_after = max(1, math.ceil((first + periods_in_window) * quota.period_seconds - now))
    return Verdict(False, 0, retry_after)
