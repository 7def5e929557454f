"""A reset on a shared PostgreSQL store empties its tables whole, and never deadlocks another
server's transaction (core/pg_reset.py)."""

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


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


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


def test_a_reset_gives_way_to_another_servers_transaction(store: Store) -> None:
    """Another server's transaction holds `records` and then asks for `unique_keys`, which the
    reset took first: a deadlock, had the reset waited. It gives way within its lock wait,
    empties the tables row by row instead, and the other transaction commits."""
    with store.transaction() as tx:
        tx.insert("t", "thing", "old", {"n": 1})
    other = psycopg.connect(_libpq(store.engine.url.render_as_string(hide_password=False)))
    watcher = create_engine(store.engine.url)
    try:
        other.execute("LOCK TABLE records IN ROW EXCLUSIVE MODE")  # as an insert takes it
        reset_failed: list[BaseException] = []

        def reset() -> None:
            try:
                store.clear()
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                reset_failed.append(error)

        resetting = threading.Thread(target=reset)
        resetting.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _waits_for_records(watcher):
            if not resetting.is_alive():
                break  # the reset already gave way (its wait is short): nothing to race
            time.sleep(0.005)
        other.execute("LOCK TABLE unique_keys IN ROW EXCLUSIVE MODE")  # raises on a deadlock
        other.commit()
        resetting.join(10)
        assert not resetting.is_alive() and reset_failed == []
        assert store.get("t", "thing", "old") is None
    finally:
        other.close()
        watcher.dispose()


def _waits_for_records(watcher) -> bool:
    with watcher.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'records' AND NOT l.granted"
                )
            ).first()
        )
