"""Connections PostgreSQL dropped (a restart, an administrator) are replaced before a request
uses them: checked on checkout after sitting idle, and a single read is made again on a fresh
connection; a transaction never gets a connection left in autocommit (issue 18). Single
statements run on connections of their own (core/pg_statements.py)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from mockserver.core import postgres
from mockserver.core.pg_statements import StatementConnections
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
                # Waits (up to 5 s) until each backend is gone, as after a restart.
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
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
        store._one_statement(lambda cursor: cursor.execute("SELECT * FROM no_such_table"))
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


def _backend_pid(store: Store, repeatable: bool = True) -> int:
    return store._one_statement(
        lambda cursor: cursor.execute("SELECT pg_backend_pid()").fetchone()[0], repeatable
    )


def test_single_statements_reuse_one_connection_in_autocommit_apart_from_the_pool(store) -> None:
    first = _backend_pid(store)
    assert [_backend_pid(store) for _ in range(5)] == [first] * 5
    assert store._one_statement(lambda cursor: cursor.connection.autocommit) is True
    # Its commits do not wait for the disk (bookkeeping); a transaction's connection does.
    assert (
        store._one_statement(lambda cursor: cursor.execute("SHOW synchronous_commit").fetchone()[0])
        == "off"
    )
    with store.transaction() as tx:
        assert tx._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != first
        assert tx._conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def test_a_dropped_idle_statement_connection_is_replaced_before_a_write(store, monkeypatch) -> None:
    """A quota hit may not be made twice, so it is never retried: the ping after an idle spell
    is what spares it a connection PostgreSQL dropped meanwhile."""
    monkeypatch.setattr(postgres, "IDLE_PING_SECONDS", 0.0)
    dropped = _backend_pid(store)
    assert _drop_every_other_connection(store) >= 1
    assert _backend_pid(store, repeatable=False) != dropped
    assert store.count_hit("k", 10, 0, 5, False)[1] is True


def test_a_connection_in_constant_use_that_was_dropped_is_replaced_before_a_write(
    store, monkeypatch
) -> None:
    """A server's background work keeps its newest connections busy, never idle for a second:
    the goodbye PostgreSQL sent a terminated backend's connection is what tells it apart, for
    a single statement and for a transaction alike."""
    monkeypatch.setattr(postgres, "IDLE_PING_SECONDS", 3600.0)  # no connection counts as idle
    with store.transaction() as tx:
        tx.put("t", "thing", "1", {"v": 1})
    dropped = _backend_pid(store)
    assert _drop_every_other_connection(store) >= 2
    assert _backend_pid(store, repeatable=False) != dropped
    assert store.count_hit("k", 10, 0, 5, False)[1] is True
    with store.transaction() as tx:  # the pool's connection too: a transaction is never retried
        tx.put("t", "thing", "2", {"v": 2})
    assert store.get("t", "thing", "2") == {"v": 2}


def test_a_statement_that_fails_costs_its_connection_only(store) -> None:
    before = _backend_pid(store)
    with pytest.raises(Exception, match="no_such_table"):
        store._one_statement(lambda cursor: cursor.execute("SELECT * FROM no_such_table"))
    assert _backend_pid(store) != before  # closed, not given back in an unknown state
    with store.transaction() as tx:
        tx.put("t", "thing", "1", {"v": 1})
    assert store.get("t", "thing", "1") == {"v": 1}


def _backends_named(name: str) -> int:
    outsider = create_engine(pg_url())
    with outsider.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
            {"name": name},
        ).scalar_one()
    outsider.dispose()
    return found


def test_no_more_connections_are_open_than_allowed_and_close_closes_them() -> None:
    """Six threads at once share two connections: the others wait for one rather than open a
    third (or fail); `close` closes both, and one used after it is closed on its way back."""
    import threading
    import time

    import psycopg

    name = f"statements-test-{os.getpid()}"
    conninfo = pg_url().replace("postgresql+psycopg://", "postgresql://")
    connections = StatementConnections(
        lambda: psycopg.connect(conninfo, autocommit=True, application_name=name),
        psycopg.OperationalError,
        most=2,
    )
    lock = threading.Lock()
    in_use = [0, 0]  # now, most seen
    two_at_once = threading.Event()
    pids: list[int] = []

    def hold(cursor) -> None:
        with lock:
            in_use[0] += 1
            in_use[1] = max(in_use)
            if in_use[0] == 2:
                two_at_once.set()
        pids.append(cursor.execute("SELECT pg_backend_pid()").fetchone()[0])
        two_at_once.wait(10)  # the first holds its connection until a second is in use
        time.sleep(0.02)  # the others: a little while, so that a third would have been needed
        with lock:
            in_use[0] -= 1

    def gone(count: int) -> bool:
        """A backend leaves pg_stat_activity a moment after its client closed the socket."""
        for _ in range(200):
            if _backends_named(name) == count:
                return True
            time.sleep(0.025)
        return False

    threads = [threading.Thread(target=connections.run, args=(hold,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(pids) == 6
    assert in_use[1] == 2
    assert len(set(pids)) == 2
    assert connections.idle() == 2
    assert _backends_named(name) == 2
    connections.close()
    assert connections.idle() == 0
    assert gone(0)
    # After close: one is opened for the statement and closed on its way back.
    assert connections.run(lambda cursor: cursor.execute("SELECT 1").fetchone()) == (1,)
    assert connections.idle() == 0
    assert gone(0)
