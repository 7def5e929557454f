"""What a store shared on PostgreSQL does to keep an ordinary request to two round trips.

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
  only when another server changed it;
- a quota hit is one statement (`QUOTA_HIT`); the journal is written by a background writer in
  batches (core/journal.py).
"""

from __future__ import annotations

import select
import threading
import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

IDLE_PING_SECONDS = 1.0
CONTROL_CHANNEL = "mockserver_control"

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


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection on checkout only if it sat idle IDLE_PING_SECONDS or more; a
    dead one is discarded and the pool connects afresh (DisconnectionError tells it to)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: the connection is not usable
            raise exc.DisconnectionError(str(error)) from error


class Listener:
    """A connection of its own that LISTENs on a channel. `poll()` reads what PostgreSQL has
    already sent it, without a round trip: a NOTIFY committed before a request arrives has
    reached this socket by then (PostgreSQL signals listeners as the commit completes)."""

    def __init__(self, engine: Engine, channel: str) -> None:
        self._engine = engine
        self._channel = channel
        self._connection: Any = None
        self._lock = threading.Lock()
        self._received: list[str] = []  # read by `wait_for`, not yet returned by `poll`

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

    def wait_for(self, payload: str, seconds: float) -> bool:
        """Until `payload` (announced by this server) comes back to this connection, at most
        `seconds`. PostgreSQL signals every listener as a commit completes; once our own
        announcement is back, the other servers' connections have theirs too, so a client that
        changes the control state on one server and calls another next finds it changed."""
        deadline = time.monotonic() + seconds
        with self._lock:
            while self._connection is not None and self._read():
                if payload in self._received:
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                select.select([self._connection.pgconn.socket], [], [], remaining)
        return False

    def _read(self) -> bool:
        """Take what the connection has received; False (and the connection closed) if it
        broke."""
        try:
            pgconn = self._connection.pgconn
            pgconn.consume_input()
            while (notice := pgconn.notifies()) is not None:
                self._received.append(notice.extra.decode())
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
            connection.execute(f"LISTEN {self._channel}")
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
