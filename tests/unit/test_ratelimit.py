"""Quotas counted in periods on the server clock, in memory or in the store (shared by every
server on one PostgreSQL store; the counting is the same on SQLite, which these use)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from mockserver.core.ratelimit import MemoryCounts, Quota, RateLimiter, StoreCounts, Verdict
from mockserver.core.store import Store
from tests.postgres import pg_url

QUOTA = Quota(limit=3, window_seconds=60, period_seconds=30)


class FakeNow:
    def __init__(self) -> None:
        self.value = 1_000_000.0  # 10 s into a 30-s period (33,333 × 30 = 999,990)

    def __call__(self) -> float:
        return self.value


@pytest.fixture(params=["memory", "store", "postgres"])
def make(request):
    store = Store(pg_url()) if request.param == "postgres" else Store()
    store.clear()
    now = FakeNow()

    def build(name: str = "bench") -> RateLimiter:
        counts = MemoryCounts() if request.param == "memory" else StoreCounts(store, name)
        return RateLimiter(QUOTA, now, counts)

    yield build, now
    store.close()


def test_the_limit_plus_one_is_refused_with_time_to_wait(make) -> None:
    build, _ = make
    limiter = build()
    verdicts = [limiter.hit("203.0.113.9") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert [v.remaining for v in verdicts[:3]] == [2, 1, 0]
    # The first period leaves the 60-s window 50 s from now (2 periods of 30 s, 10 s in).
    assert verdicts[3].retry_after == 50
    assert limiter.hit("198.51.100.1").allowed  # another key has its own quota


def test_the_window_moves_on_with_the_clock(make) -> None:
    build, now = make
    limiter = build()
    for _ in range(3):
        limiter.hit("k")
    now.value += 50
    assert limiter.hit("k").allowed


def test_refused_hits_count_only_when_asked(make) -> None:
    build, _ = make
    limiter = build()
    for _ in range(3):
        limiter.hit("k", count_refused=False)
    for _ in range(5):
        assert not limiter.hit("k", count_refused=False).allowed
    limiter.configure(Quota(limit=4, window_seconds=60, period_seconds=30))
    assert limiter.hit("k").allowed  # counted afresh under the new quota


def test_store_counts_are_one_quota_for_every_limiter_of_that_name() -> None:
    store = Store()
    now = FakeNow()
    first = RateLimiter(QUOTA, now, StoreCounts(store, "posts"))
    second = RateLimiter(QUOTA, now, StoreCounts(store, "posts"))  # another server's
    other = RateLimiter(QUOTA, now, StoreCounts(store, "requests"))
    answers = [limiter.hit("key").allowed for limiter in (first, second, first, second)]
    assert answers == [True, True, True, False]
    assert other.hit("key").allowed
    second.clear()
    assert first.hit("key").allowed
    assert other.hit("key").allowed and other.hit("key").allowed
    assert not other.hit("key").allowed  # clearing "posts" left "requests" alone
    store.close()


@pytest.mark.parametrize("count_refused", [True, False])
def test_two_servers_hitting_one_postgres_quota_at_once_get_exactly_the_limit(
    count_refused,
) -> None:
    """Sixteen threads over two limiters (two servers) on PostgreSQL, 200 hits in all, a limit
    of 57: exactly 57 allowed, whether or not refused hits count."""
    store = Store(pg_url())
    store.clear()
    now = FakeNow()
    quota = Quota(limit=57, window_seconds=60, period_seconds=30)
    servers = [RateLimiter(quota, now, StoreCounts(store, "race")) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(
            pool.map(lambda n: servers[n % 2].hit("key", count_refused=count_refused), range(200))
        )
    assert sum(v.allowed for v in verdicts) == 57
    assert all(v.retry_after > 0 for v in verdicts if not v.allowed)
    assert sorted(v.remaining for v in verdicts if v.allowed) == list(range(57))
    store.close()


@pytest.mark.parametrize("count_refused", [True, False])
def test_hits_sent_with_reads_on_two_servers_still_get_exactly_the_limit(count_refused) -> None:
    """As above, each hit made with the record read that follows it on its thread, one
    statement for both (Store.count_hit_soon): the count stays exact and every read finds
    the record."""
    store = Store(pg_url())
    store.clear()
    with store.transaction() as tx:
        tx.put("tenant", "thing", "1", {"n": 1})
    now = FakeNow()
    quota = Quota(limit=57, window_seconds=60, period_seconds=30)
    servers = [RateLimiter(quota, now, StoreCounts(store, "race")) for _ in range(2)]

    def one(number: int):
        later = servers[number % 2].hit_soon("key", count_refused=count_refused)
        assert callable(later)  # on PostgreSQL the verdict waits for the read
        found = store.get("tenant", "thing", "1")
        return later(), found

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(one, range(200)))
    verdicts = [verdict for verdict, _found in answers]
    assert all(found == {"n": 1} for _verdict, found in answers)
    assert sum(v.allowed for v in verdicts) == 57
    assert all(v.retry_after > 0 for v in verdicts if not v.allowed)
    assert sorted(v.remaining for v in verdicts if v.allowed) == list(range(57))
    store.close()


def test_a_waiting_hit_is_made_alone_when_no_read_takes_it() -> None:
    store = Store(pg_url())
    store.clear()
    limiter = RateLimiter(QUOTA, FakeNow(), StoreCounts(store, "alone"))
    verdicts = []
    for _ in range(4):
        later = limiter.hit_soon("key")
        assert callable(later)
        verdicts.append(later())
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert store.get("tenant", "thing", "missing") is None  # no hit left to take along
    assert not limiter.hit("key").allowed  # four counted: refused hits count by default
    store.close()


def test_a_verdict_that_may_wait_is_the_one_a_hit_gives(make) -> None:
    build, _ = make
    limiter = build()
    for _ in range(3):
        limiter.hit("key")
    later = limiter.hit_soon("key")
    verdict = later() if callable(later) else later
    assert not verdict.allowed
    assert verdict.retry_after == 50
    in_memory = RateLimiter(QUOTA, FakeNow(), MemoryCounts())
    assert isinstance(in_memory.hit_soon("key"), Verdict)  # nothing to wait for


def test_a_hit_asked_for_on_another_thread_is_not_made_again_by_a_read() -> None:
    store = Store(pg_url())
    store.clear()
    limiter = RateLimiter(QUOTA, FakeNow(), StoreCounts(store, "elsewhere"))
    later = limiter.hit_soon("key")
    assert callable(later)
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(later).result().allowed  # made alone, on that thread
    assert store.get("tenant", "thing", "1") is None  # this thread still held it: made already
    verdicts = [limiter.hit("key") for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]  # counted once, not twice
    store.close()
