"""Connections kept in autocommit for work of one statement on a shared PostgreSQL store.

Most of what an ordinary request asks of PostgreSQL is one statement (a record read, a quota
hit; the journal writer's batch too), run outside a transaction (core/postgres.py). Taken from
SQLAlchemy's pool, each paid for a checkout and a check-in: about 40 µs of CPU against 65 µs for
the statement itself (measured single-threaded: 108 µs a read through the pool, 72 µs through a
connection of this stack). A server on one core spends its CPU per request, so this is its rate.

These connections live apart from the pool's, always in autocommit, so a transaction can never
be handed one. Last in, first out like the pool, so the connections in use stay few and warm
(psycopg prepares a statement on a connection the fifth time it runs there). At most `most`
are open at once, as many as threads ask at once up to that; a thread beyond it waits for one,
as it would for the pool, up to WAIT_SECONDS. Their commits do not wait for the WAL to reach the
disk (`synchronous_commit=off`): it changes nothing for a read, the quota counts and journal
entries are bookkeeping whose loss in a crash harms nobody, and any later durable commit
flushes the WAL up to itself, so what such a commit relies on is on disk with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from mockserver.core import postgres

# Per connection, as libpq's `options`: see the module docstring.
BOOKKEEPING_OPTIONS = "-c synchronous_commit=off"
# How long a thread waits for a connection when `most` are in use (SQLAlchemy pool's default).
WAIT_SECONDS = 30.0


class StatementsBusy(TimeoutError):
    """Every connection for single statements stayed in use for the whole wait."""


class StatementConnections:
    """`run(work)`: `work(cursor)` on an autocommit connection of the stack, given back after."""

    def __init__(self, connect: Callable[[], Any], lost: type[BaseException], most: int) -> None:
        """`connect()` opens a new connection (in autocommit); `lost` is the driver's error for a
        connection that is no longer usable (psycopg's OperationalError)."""
        self._connect = connect
        self._lost = lost
        self._most = most
        self._free = threading.BoundedSemaphore(most)
        self._idle: list[tuple[Any, float]] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, work: Callable[[Any], Any], repeatable: bool = True) -> Any:
        """A connection PostgreSQL dropped (a restart, an administrator) is discarded; the work is
        done once more on a fresh one if it can be `repeatable` (a read), or the error raised
        (a write that may have reached the database before the connection went)."""
        if not self._free.acquire(timeout=WAIT_SECONDS):
            raise StatementsBusy(
                f"all {self._most} PostgreSQL connections for single statements stayed in use "
                f"for {WAIT_SECONDS:g} s"
            )
        try:
            return self._run(work, repeatable)
        finally:
            self._free.release()

    def _run(self, work: Callable[[Any], Any], repeatable: bool) -> Any:
        for attempt in (1, 2) if repeatable else (2,):
            connection = self._take()
            try:
                with connection.cursor() as cursor:
                    found = work(cursor)
            except self._lost:
                _close_quietly(connection)
                if attempt == 2:
                    raise
                continue
            except BaseException:
                # Rare (a statement PostgreSQL refused): a fresh connection costs less than
                # finding out what state this one was left in.
                _close_quietly(connection)
                raise
            self._give_back(connection)
            return found
        raise AssertionError("unreachable")

    def _take(self) -> Any:
        """The most recently used idle connection, pinged first if it sat idle long enough
        that PostgreSQL may have dropped it meanwhile, or PostgreSQL sent it something (as the
        pool does, postgres.ping_when_idle), or a new one. A new one is opened only when none
        is idle, so no more than `most` are ever open: one per thread holding a place."""
        while True:
            with self._lock:
                if not self._idle:
                    break
                connection, since = self._idle.pop()
            if not postgres.needs_ping(connection, since):
                return connection
            try:
                connection.execute("SELECT 1")
                return connection
            except self._lost:
                _close_quietly(connection)
        return self._connect()

    def _give_back(self, connection: Any) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append((connection, time.monotonic()))
                return
        _close_quietly(connection)

    def idle(self) -> int:
        """How many connections are kept idle now."""
        with self._lock:
            return len(self._idle)

    def close(self) -> None:
        """Close the idle connections; those in use are closed when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection, _since in idle:
            _close_quietly(connection)


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail; it is gone either way
        pass
