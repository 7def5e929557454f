"""What a store shared on PostgreSQL does to keep an ordinary request to two round trips, and
an ordinary read to one.

Each round trip to PostgreSQL is a wait of a few hundred microseconds, and a shared sandbox
made twenty per request before this module (a checkout ping, BEGIN and COMMIT around every
read, the control record read per request, the journal and quota writes each in their own
transaction): 0.2 of the same server's rate on SQLite. Here:

- connections are pinged on checkout only after they sat idle (`IDLE_PING_SECONDS`): one that
  PostgreSQL dropped while idle (a restart) is still replaced before use, but a busy pool does
  not pay a ping per request;
- single reads run outside a transaction (PostgreSQL gives each statement its own snapshot in
  READ COMMITTED anyway): no BEGIN and COMMIT around them;
- control changes are announced with NOTIFY, and each server looks for announcements on its
  own listening connection without a round trip (`Listener.poll`): the control record is read
  only when another server changed it. Each server also watches that connection on a thread
  and confirms every announcement once it has applied it; the server that made the change
  answers only when every other listening server confirmed (`Listener.wait_for_acks`), so a
  client that changes the control state on one server and calls another next finds it changed;
- a quota hit is one statement (`QUOTA_HIT`); in a safe request (GET, HEAD) it goes with the
  first record the request reads (`QUOTA_HIT_AND_RECORD`, core/later_verdicts.py), one round
  trip for both;
- the journal is written by a background writer in batches (core/journal.py), a batch in one
  statement (`APPEND_ENTRIES`).
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

IDLE_PING_SECONDS = 1.0
# libpq waits this long for a connection to open, unless the store URL says otherwise
# (`?connect_timeout=`): a PostgreSQL host that went away answers a request 503 in seconds
# (core/store_outage.py), not after the system's TCP timeout of about two minutes.
CONNECT_TIMEOUT_SECONDS = 5
CONTROL_CHANNEL = "mockserver_control"
# A confirmation on the channel: "ack:<version>:<backend pid of the confirming listener>".
ACK_PREFIX = "ack:"
# How often a server waiting for confirmations looks again at which listeners are still
# connected (one that went away while it waited never confirms).
RECHECK_SECONDS = 0.2
MAX_VERSIONS_KEPT = 256
# How often a server waiting for confirmations reads its listening connection itself (its
# watching thread reads whatever arrives at once, and wakes the wait).
READ_SECONDS = 0.05
# The listening connections of one name in this database: the servers that must confirm.
LISTENING = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND application_name = %s
"""


def ack_payload(version: str, pid: int) -> str:
    return f"{ACK_PREFIX}{version}:{pid}"


# One hit of a quota, at once counted and judged: the hits of the window's earlier periods, the
# current period's row incremented (only while under the limit unless refused hits count), and
# the first period with hits (for Retry-After). Two servers hitting the same key at once
# serialise on the current period's row, and the second sees the first's hit: the count is
# exact across servers. The earlier periods are no longer written by anyone.
QUOTA_HIT = """
WITH prior AS (
    SELECT COALESCE(SUM(hits), 0) AS used FROM quota_hits
    WHERE key = %(key)s AND period >= %(oldest)s AND period < %(period)s
), bumped AS (
    INSERT INTO quota_hits (key, period, hits)
    SELECT %(key)s, %(period)s, 1 FROM prior WHERE %(always)s OR prior.used < %(limit)s
    ON CONFLICT (key, period) DO UPDATE SET hits = quota_hits.hits + 1
    WHERE %(always)s OR (SELECT used FROM prior) + quota_hits.hits < %(limit)s
    RETURNING hits
)
SELECT (SELECT used FROM prior),
       (SELECT hits FROM bumped),
       (SELECT MIN(period) FROM quota_hits WHERE key = %(key)s AND period >= %(oldest)s)
"""


# The same hit with the record a request reads first, in one statement: one round trip for
# both (core/store.py, `count_hit_soon`). The record is read in the statement's snapshot, as a
# read of its own would be; its table is not one the hit writes.
QUOTA_HIT_AND_RECORD = (
    QUOTA_HIT.rstrip()
    + """,
       (SELECT doc FROM records
        WHERE tenant = %(tenant)s AND kind = %(kind)s AND id = %(record_id)s)
"""
)


# A batch of journal entries in one statement, whatever its size: the JSON texts joined into
# one array, whose elements `json` (not jsonb) hands back verbatim, numbered in the order
# given (the rows reach the insert sorted by their place). psycopg's executemany sent one
# statement per entry, and spent the journal writer's time building them.
APPEND_ENTRIES = """
INSERT INTO journal_entries (doc)
SELECT doc::text FROM json_array_elements(CAST(%s AS json)) WITH ORDINALITY AS batch(doc, place)
ORDER BY place
"""

# All but the newest %s journal entries gone, in one statement (a transaction of two, built by
# SQLAlchemy, cost the journal writer more than the batches it trimmed after).
TRIM_ENTRIES = """
DELETE FROM journal_entries WHERE seq <= (SELECT MAX(seq) FROM journal_entries) - %s
"""


def has_news(connection: Any) -> bool:
    """Whether PostgreSQL sent an idle connection something unasked: on a connection that
    listens for nothing, the goodbye of a backend that was terminated (a restart, an
    administrator), or the end of the socket. One poll of the socket, no round trip: a
    connection in constant use is never idle long enough for IDLE_PING_SECONDS, and a write
    that must not be made twice (a quota hit, a journal batch) cannot be retried after it
    failed on one."""
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # noqa: BLE001 - no socket to look at: the connection is unusable
        return True


def needs_ping(connection: Any, idle_since: float | None) -> bool:
    """Ping a connection before use if it sat idle IDLE_PING_SECONDS or more, or if PostgreSQL
    sent it something meanwhile (has_news)."""
    if idle_since is None:
        return False
    return time.monotonic() - idle_since >= IDLE_PING_SECONDS or has_news(connection)


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection on checkout only if it sat idle IDLE_PING_SECONDS or more, or
    PostgreSQL sent it something meanwhile; a dead one is discarded and the pool connects
    afresh (DisconnectionError tells it to)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if not needs_ping(dbapi_connection, record.info.get("idle_since")):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: the connection is not usable
            raise exc.DisconnectionError(str(error)) from error


class Listener:
    """A connection of its own that LISTENs on a channel. `poll()` reads what PostgreSQL has
    already sent it, without a round trip. Confirmations (ACK_PREFIX) are kept apart, for
    `wait_for_acks`. `name`, when given, is the connection's application_name, by which other
    servers find it in pg_stat_activity (set after LISTEN: a listener they find hears them)."""

    def __init__(self, engine: Engine, channel: str, name: str | None = None) -> None:
        self._engine = engine
        self._channel = channel
        self._name = name
        self._connection: Any = None
        self._lock = threading.Lock()
        self._received: list[str] = []  # announcements not yet returned by `poll`
        # Confirmations read, by version: the latest MAX_VERSIONS_KEPT versions' only.
        self._acks: dict[str, set[int]] = {}
        self._arrived = threading.Condition(self._lock)  # notified whenever something is read

    @property
    def pid(self) -> int | None:
        """The listening connection's backend pid (what other servers expect confirmations
        from), without a round trip; None while there is no connection."""
        connection = self._connection
        try:
            return None if connection is None else int(connection.info.backend_pid)
        except Exception:  # noqa: BLE001 - closed under us: as good as none
            return None

    def ensure(self) -> None:
        """Listening from now on: connect if there is no connection, keeping what was read
        (unlike `poll`, which hands it over)."""
        with self._lock:
            if self._connection is None:
                self._connect()

    def poll(self) -> list[str] | None:
        """Payloads announced since the last poll; None when there was no listening connection
        (first poll, or it broke and is made again): the caller cannot know what it missed and
        reads the state itself."""
        with self._lock:
            if self._connection is None or not self._read():
                self._connect()  # listening again before the caller reads what it missed
                return None
            payloads, self._received = self._received, []
            return payloads

    def wait_readable(self, seconds: float, wake: Any = None) -> bool:
        """Until something arrives on the connection (or on `wake`, a socket another thread
        writes to), at most `seconds`, without reading it or holding the lock (the watching
        thread). True when there is something to read, or no working connection (the caller's
        `poll` makes one)."""
        socket = self._socket()
        if socket is None:
            return True
        try:
            waited = [socket] if wake is None else [socket, wake]
            readable, _, _ = select.select(waited, [], [], seconds)
        except (OSError, ValueError):  # closed under us: the caller polls again
            return True
        return bool(readable)

    def wait_for_acks(
        self,
        version: str,
        pids: set[int],
        seconds: float,
        listening: Callable[[], set[int]],
    ) -> set[int]:
        """Until the listeners `pids` confirmed `version`, at most `seconds`; every
        RECHECK_SECONDS, those no longer connected (`listening()`: the pids connected now) are
        no longer waited for. Returns the pids that did not confirm. Not waited under the
        lock: whoever reads the connection meanwhile (the watching thread, woken by what
        arrives; a request's poll) keeps the confirmations it reads and wakes this wait; it
        also reads for itself every READ_SECONDS."""
        waiting = set(pids)
        deadline = time.monotonic() + seconds
        recheck = time.monotonic() + RECHECK_SECONDS
        with self._arrived:
            while waiting:
                if self._connection is None or not self._read():
                    break
                waiting -= self._acks.get(version, set())
                now = time.monotonic()
                if not waiting or now >= deadline:
                    break
                if now >= recheck:
                    self._lock.release()  # the query may take a while: not under the lock
                    try:
                        waiting &= listening()
                    finally:
                        self._lock.acquire()
                    recheck = now + RECHECK_SECONDS
                    continue
                self._arrived.wait(min(deadline, recheck, now + READ_SECONDS) - now)
        return waiting

    def _socket(self) -> int | None:
        with self._lock:
            try:
                return None if self._connection is None else self._connection.pgconn.socket
            except Exception:  # noqa: BLE001 - a closed connection has no socket
                return None

    def _read(self) -> bool:
        """Take what the connection has received; False (and the connection closed) if it
        broke."""
        try:
            pgconn = self._connection.pgconn
            pgconn.consume_input()
            while (notice := pgconn.notifies()) is not None:
                self._arrived.notify_all()
                payload = notice.extra.decode()
                if payload.startswith(ACK_PREFIX):
                    version, _, pid = payload[len(ACK_PREFIX) :].rpartition(":")
                    if version not in self._acks and len(self._acks) >= MAX_VERSIONS_KEPT:
                        del self._acks[next(iter(self._acks))]  # the oldest
                    self._acks.setdefault(version, set()).add(int(pid))
                else:
                    self._received.append(payload)
            return True
        except Exception:  # noqa: BLE001 - a broken connection: listen afresh next time
            self._close()
            return False

    def _connect(self) -> None:
        try:
            pooled = self._engine.raw_connection()
            pooled.detach()  # ours for good: a pooled connection would be reset on return
            connection = pooled.dbapi_connection
            connection.autocommit = True
            from psycopg import sql  # here: a store on SQLite never loads psycopg

            statement = sql.SQL("LISTEN {}").format(sql.Identifier(self._channel))
            if self._name is not None:  # in the same round trip, after LISTEN
                named = sql.SQL("SET application_name = {}").format(sql.Literal(self._name))
                statement = sql.SQL("; ").join([statement, named])
            connection.execute(statement)
            self._connection = connection
        except Exception:  # noqa: BLE001 - PostgreSQL unreachable: try again on the next poll
            self._connection = None

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001, S110 - closing what is already broken
                pass
        self._connection = None

    def close(self) -> None:
        with self._lock:
            self._close()
