"""The in-memory store answers single-record reads from committed copies; every way of
writing must make the next read see the write, and nothing rolled back may be seen."""

from __future__ import annotations

import threading

import pytest

from mockserver.core.store import Conflict, Store


@pytest.fixture
def store():
    store = Store()
    yield store
    store.close()


def _write(store: Store, doc: dict, record_id: str = "r1") -> None:
    with store.transaction() as tx:
        tx.put("t", "k", record_id, doc)


def test_every_kind_of_write_is_seen_by_the_next_read(store: Store) -> None:
    assert store.get("t", "k", "r1") is None  # remembered as absent
    with store.transaction() as tx:
        tx.insert("t", "k", "r1", {"v": 1})
    assert store.get("t", "k", "r1") == {"v": 1}
    _write(store, {"v": 2})
    assert store.get("t", "k", "r1") == {"v": 2}
    with store.transaction() as tx:
        assert tx.locked("t", "k", "r1", {"v": 0}) == {"v": 2}
        tx.put("t", "k", "r1", {"v": 3})
    assert store.get("t", "k", "r1") == {"v": 3}
    with store.transaction() as tx:
        tx.delete("t", "k", "r1")
    assert store.get("t", "k", "r1") is None
    with store.transaction() as tx:
        tx.locked("t", "k", "fresh", {"v": 9})  # created by the locked read
    assert store.get("t", "k", "fresh") == {"v": 9}


def test_prefix_deletes_and_clear_are_seen(store: Store) -> None:
    _write(store, {"v": 1}, "a:1")
    _write(store, {"v": 2}, "b:1")
    assert store.get("t", "k", "a:1") and store.get("t", "k", "b:1")
    with store.transaction() as tx:
        tx.delete_prefix("t", "k", "a:")
    assert store.get("t", "k", "a:1") is None
    assert store.get("t", "k", "b:1") == {"v": 2}
    store.clear()
    assert store.get("t", "k", "b:1") is None


def test_a_rolled_back_write_is_never_read(store: Store) -> None:
    _write(store, {"v": 1})
    _write(store, {"v": 1}, "taken")
    assert store.get("t", "k", "r1") == {"v": 1}
    with pytest.raises(Conflict), store.transaction() as tx:
        tx.put("t", "k", "r1", {"v": 2})
        tx.insert("t", "k", "taken", {"v": 2})  # conflicts: the whole transaction goes
    assert store.get("t", "k", "r1") == {"v": 1}


def test_readers_get_their_own_copies(store: Store) -> None:
    _write(store, {"items": [1]})
    first = store.get("t", "k", "r1")
    first["items"].append(2)
    assert store.get("t", "k", "r1") == {"items": [1]}


def test_readers_never_see_a_count_go_back_under_concurrent_writes(store: Store) -> None:
    """One writer counts to 300 in row-locked transactions while four readers watch."""
    _write(store, {"n": 0}, "counter")
    done = threading.Event()
    seen: list[list[int]] = [[] for _ in range(4)]

    def write() -> None:
        for _ in range(300):
            with store.transaction() as tx:
                doc = tx.locked("t", "k", "counter", {"n": 0})
                tx.put("t", "k", "counter", {"n": doc["n"] + 1})
        done.set()

    def read(into: list[int]) -> None:
        while not done.is_set() and len(into) < 100_000:
            into.append(store.get("t", "k", "counter")["n"])

    threads = [threading.Thread(target=read, args=(s,)) for s in seen]
    threads.append(threading.Thread(target=write))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert store.get("t", "k", "counter") == {"n": 300}
    for values in seen:
        assert values == sorted(values)  # never older than what was read before


def test_lists_follow_every_write_to_their_kind(store: Store) -> None:
    assert store.list("t", "k") == []
    _write(store, {"v": 1}, "a")
    _write(store, {"v": 2}, "b")
    assert store.list("t", "k") == [{"v": 1}, {"v": 2}]
    _write(store, {"v": 3}, "a")
    assert store.list("t", "k") == [{"v": 3}, {"v": 2}]  # order kept: created first
    with pytest.raises(Conflict), store.transaction() as tx:
        tx.insert("t", "k", "c", {"v": 4})
        tx.insert("t", "k", "a", {"v": 5})
    assert store.list("t", "k") == [{"v": 3}, {"v": 2}]  # the rolled-back "c" is not there
    with store.transaction() as tx:
        tx.delete("t", "k", "b")
    listed = store.list("t", "k")
    assert listed == [{"v": 3}]
    listed[0]["v"] = 99
    assert store.list("t", "k") == [{"v": 3}]
    assert store.list("t", "other") == [] and store.list("u", "k") == []
    store.clear()
    assert store.list("t", "k") == []


def test_long_lists_are_read_each_time_not_kept(store: Store, monkeypatch) -> None:
    """Memory stays bounded whatever a client lists: a kind longer than MAX_LIST is not kept
    (read from the store each time, still right), a short one is."""
    from mockserver.core.read_cache import ReadCache

    monkeypatch.setattr(ReadCache, "MAX_LIST", 3)
    with store.transaction() as tx:
        for number in range(4):
            tx.insert("t", "long", str(number), {"n": number})
        tx.insert("t", "short", "1", {"n": 1})
    assert [doc["n"] for doc in store.list("t", "long")] == [0, 1, 2, 3]
    assert store.list("t", "short") == [{"n": 1}]
    assert store._cache.lookup_list("t", "long") is None
    assert store._cache.lookup_list("t", "short") is not None
