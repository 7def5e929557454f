"""A reset on a shared PostgreSQL store empties its tables whole, and never deadlocks another
server's transaction (core/pg_reset.py). Two servers writing and resetting at once:
tests/e2e/test_postgres_e2e.py."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import create_engine, text

from mockserver.core.store import Store
from tests.postgres import empty_pg_url


@pytest.fixture
def store():
    created = Store(empty_pg_url())
    yield created
    created.clear()
    created.close()


def _connect(store: Store) -> psycopg.Connection:
    """A connection of its own to the store's database, as another server's would be."""
    url = store.engine.url.render_as_string(hide_password=False)
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))


def _file_of(store: Store, table: str) -> int:
    """The table's file on disk: TRUNCATE gives it a new one, DELETE keeps it."""
    with store.engine.connect() as conn:
        return conn.execute(
            text("SELECT relfilenode FROM pg_class WHERE relname = :table"), {"table": table}
        ).scalar_one()


def test_a_reset_gives_every_table_a_new_empty_file(store: Store) -> None:
    store.index_kind("thing", lambda doc: {"colour": doc["colour"]}, fields=("colour",))
    with store.transaction() as tx:
        for number in range(50):
            tx.insert("t", "thing", str(number), {"colour": "red"})
            tx.claim("t", "name", str(number), "thing", str(number))
    before = {table: _file_of(store, table) for table in ("records", "record_index", "unique_keys")}
    store.clear()
    after = {table: _file_of(store, table) for table in before}
    assert all(after[table] != before[table] for table in before)
    assert store.list("t", "thing") == [] and store.query("t", "thing", {"colour": "red"})[0] == 0
    with store.transaction() as tx:  # keys were released, and the store works on
        tx.insert("t", "thing", "1", {"colour": "blue"})
        tx.claim("t", "name", "1", "thing", "1")
    assert store.get("t", "thing", "1") == {"colour": "blue"}


def test_a_reset_never_gets_another_servers_transaction_cancelled(store: Store) -> None:
    """The deadlock PostgreSQL breaks by cancelling the transaction that waited first:
    another server's transaction holds `unique_keys` (a claim) and waits for `records`, which the
    reset took while a third held `record_index`. Once the third lets go, the reset would wait
    for `unique_keys`. It lets go of everything within its lock wait instead and tries again:
    the other transaction commits, and the reset empties the tables."""
    with store.transaction() as tx:
        tx.insert("t", "thing", "old", {"n": 1})
    before = _file_of(store, "records")
    claimer, holder = _connect(store), _connect(store)
    watcher = create_engine(store.engine.url)
    try:
        claimer.execute("LOCK TABLE unique_keys IN ROW EXCLUSIVE MODE")  # as a claim takes it
        holder.execute("LOCK TABLE record_index IN ROW EXCLUSIVE MODE")
        resetting, reset_failed = _in_background(store.clear)
        assert _soon(lambda: _waits_for(watcher, "record_index")), "the reset never waited"

        def claim_then_write() -> None:
            claimer.execute("LOCK TABLE records IN ROW EXCLUSIVE MODE")  # as an insert takes it
            claimer.commit()

        writing, write_failed = _in_background(claim_then_write)
        _soon(lambda: _waits_for(watcher, "records"), seconds=0.3)
        time.sleep(0.1)
        holder.commit()  # well within deadlock_timeout (1 s) of the claimer's wait
        writing.join(10)
        resetting.join(10)
        assert write_failed == [] and not writing.is_alive()
        assert reset_failed == [] and not resetting.is_alive()
        assert store.get("t", "thing", "old") is None
        assert _file_of(store, "records") != before  # truncated, on a later try
    finally:
        claimer.close()
        holder.close()
        watcher.dispose()


def test_a_table_held_past_the_retries_is_an_outage_answered_503(store, monkeypatch) -> None:
    from mockserver.core import pg_reset
    from mockserver.core.store_outage import is_store_outage

    monkeypatch.setattr(pg_reset, "RETRY_SECONDS", 0.3)
    with store.transaction() as tx:
        tx.insert("t", "thing", "old", {"n": 1})
    other = _connect(store)
    try:
        other.execute("LOCK TABLE records IN ROW EXCLUSIVE MODE")
        with pytest.raises(Exception) as raised:
            store.clear()
        assert is_store_outage(raised.value)  # answered 503 with Retry-After, not 500
        assert store.get("t", "thing", "old") == {"n": 1}  # nothing half done
    finally:
        other.close()
    store.clear()
    assert store.get("t", "thing", "old") is None


def test_the_refill_commits_with_the_emptying_and_no_one_sees_between(store: Store) -> None:
    """Store.clear(refill): the fixtures' records go back in the transaction that truncates,
    so another server reads the old state or the refilled one, never an empty store."""
    with store.transaction() as tx:
        tx.insert("t", "fixture", "group", {"v": "old"})
        tx.insert("t", "thing", "made", {"n": 1})
    seen_during: list[object] = []
    other = _connect(store)
    try:
        other.execute("SET lock_timeout = '100ms'")

        def refill() -> None:
            with store.transaction() as tx:
                tx.insert("t", "fixture", "group", {"v": "new"})
            try:  # another server's read, while the reset has not committed
                seen_during.append(other.execute("SELECT count(*) FROM records").fetchone())
            except psycopg.errors.LockNotAvailable:
                seen_during.append("waited")
            other.rollback()

        store.clear(refill=refill)
    finally:
        other.close()
    assert seen_during == ["waited"]
    assert store.get("t", "fixture", "group") == {"v": "new"}
    assert store.get("t", "thing", "made") is None


def test_a_conflict_in_the_refill_rolls_back_only_its_savepoint(store: Store) -> None:
    """The fixtures' seeding falls back to one account at a time after a Conflict
    (core/seeding.py): inside a reset that is a savepoint, and the reset goes on."""
    from mockserver.core.store import Conflict

    def refill() -> None:
        with store.transaction() as tx:
            tx.insert("t", "fixture", "a", {})
            tx.claim("t", "name", "x", "fixture", "a")
        with pytest.raises(Conflict):
            with store.transaction() as tx:
                tx.insert("t", "fixture", "b", {})
                tx.claim("t", "name", "x", "fixture", "b")
        with store.transaction() as tx:
            tx.insert("t", "fixture", "c", {})

    store.clear(refill=refill)
    assert [store.get("t", "fixture", key) for key in "abc"] == [{}, None, {}]


def test_a_refill_that_fails_leaves_the_store_as_it_was(store: Store) -> None:
    with store.transaction() as tx:
        tx.insert("t", "thing", "old", {"n": 1})

    def refill() -> None:
        with store.transaction() as tx:
            tx.insert("t", "fixture", "group", {})
        raise RuntimeError("fixture trouble")

    with pytest.raises(RuntimeError):
        store.clear(refill=refill)
    assert store.get("t", "thing", "old") == {"n": 1}
    assert store.get("t", "fixture", "group") is None
    with store.transaction() as tx:  # not left inside the failed reset's transaction
        tx.insert("t", "thing", "after", {})
    assert store.get("t", "thing", "after") == {}


def _in_background(work) -> tuple[threading.Thread, list[BaseException]]:
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the caller's assertion
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failed


def _soon(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.002)
    return condition()


def _waits_for(watcher, table: str) -> bool:
    """Whether some session waits for a lock on `table` (the reset, in these tests)."""
    with watcher.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = :table AND NOT l.granted"
                ),
                {"table": table},
            ).first()
        )
