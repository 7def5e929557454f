"""Connections PostgreSQL dropped (a restart, an administrator) are replaced before a request
uses them: checked on checkout after sitting idle, and a single read is made again on a fresh
connection; a transaction never gets a connection left in autocommit (issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from mockserver.core import postgres
from mockserver.core.store import Store
from tests.postgres import pg_url


@pytest.fixture
def store():
    made = Store(pg_url())
    made.clear()
    yield made
    made.close()


def _drop_every_other_connection(store: Store) -> int:
    """What a PostgreSQL restart does to the pool's connections (from a connection of its own,
    not the pool's)."""
    outsider = create_engine(store.url)
    with outsider.connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND usename = current_user"
            )
        ).scalar_one()
    outsider.dispose()
    return dropped


def test_an_idle_connection_that_was_dropped_is_replaced_before_use(store, monkeypatch) -> None:
    monkeypatch.setattr(postgres, "IDLE_PING_SECONDS", 0.0)  # every checkout counts as idle
    with store.transaction() as tx:
        tx.put("t", "thing", "1", {"v": 1})
    assert _drop_every_other_connection(store) >= 1
    with store.transaction() as tx:  # a transaction: no retry, the ping found it dead
        assert tx.get("t", "thing", "1", for_update=True) == {"v": 1}


def test_a_single_read_is_made_again_on_a_fresh_connection(store, monkeypatch) -> None:
    monkeypatch.setattr(postgres, "IDLE_PING_SECONDS", 3600.0)  # no ping: the read finds it
    with store.transaction() as tx:
        tx.put("t", "thing", "1", {"v": 1})
    assert store.get("t", "thing", "1") == {"v": 1}
    assert _drop_every_other_connection(store) >= 1
    assert store.get("t", "thing", "1") == {"v": 1}


def test_a_read_that_fails_leaves_no_connection_in_autocommit(store) -> None:
    with pytest.raises(Exception, match="no_such_table"):
        store._read_outside_transaction(
            lambda cursor: cursor.execute("SELECT * FROM no_such_table")
        )
    for _ in range(3):  # whichever pooled connection a transaction gets, it is in one
        with store.transaction() as tx:
            assert tx._conn.connection.dbapi_connection.autocommit is False


def test_a_stop_wakes_the_thread_that_watches_for_control_changes(store, monkeypatch) -> None:
    """The watching thread waits on its PostgreSQL connection up to WATCH_SECONDS at a time; a
    stop wakes it, so it has ended when `close` returns, however long that wait is."""
    from mockserver.core import shared
    from mockserver.core.clock import Clock
    from mockserver.core.faults import Faults

    monkeypatch.setattr(shared, "WATCH_SECONDS", 600.0)
    monkeypatch.setattr(shared, "STOP_WAIT_SECONDS", 5.0)
    sync = shared.ControlSync(store, Clock(), Faults(), {}, lambda: None)
    sync.start()
    watcher = sync._watcher
    assert watcher is not None and watcher.is_alive()
    sync.close()
    assert not watcher.is_alive()
    sync.close()  # a second stop (the runtime's, after a test's) is harmless
