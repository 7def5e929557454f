"""Keeping several servers that share one PostgreSQL store in agreement on the control plane.

Records already live in the store. What each server otherwise keeps in memory, and QA
expects to be one thing behind a load balancer, is the server clock, the fault rules (with
their counts: `times: 1` fires once across all replicas, not once per replica), the quota
settings and a reset. Those are one control record in the store, written under a row lock by
whichever server changes them, which announces the new version with NOTIFY in the same
transaction. Every server listens on a connection of its own and, at the start of each request
and each scheduler pass, looks at what that connection has already received (no round trip,
core/postgres.py's Listener): it reads the control record only when another server announced a
change, or when its listening connection was lost and it cannot know what it missed.

A thread of each server also waits on that connection, so an announcement is applied as soon
as it arrives, requests or not, and then confirmed (an "ack" on the same channel). The server
that made the change answers its client only once every other listening server (found in
pg_stat_activity by the listening connection's name) confirmed it, or went away, or
ANNOUNCE_WAIT_SECONDS passed (a log line names the servers that did not confirm). So a client
that changes the control state on one server and calls another next finds it changed: without
the confirmations, the other server's PostgreSQL backend could still be on its way to passing
the announcement on.

On a store that only one process uses (SQLite in memory or in a file) this does nothing and
costs nothing: `sync()` returns at once and `change()` is an empty block.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.faults import Faults
from mockserver.core.postgres import CONTROL_CHANNEL, ack_payload
from mockserver.core.ratelimit import Quota, RateLimiter
from mockserver.core.store import Store

log = logging.getLogger("mockserver.shared")

TENANT = "_mock"
# How long a change waits for the other servers' confirmations (Listener.wait_for_acks); only
# a server or a PostgreSQL in trouble takes more than milliseconds.
ANNOUNCE_WAIT_SECONDS = 2.0
# The listening connections' application_name: how a changing server finds the others.
LISTENER_NAME = "mockserver control"
# How long the watching thread waits on the connection at a time (a stop wakes it at once,
# through `_wake`), and how long a stop waits for it to end.
WATCH_SECONDS = 0.5
STOP_WAIT_SECONDS = 2.0
KIND = "control"
RECORD = "state"


class ControlSync:
    """See the module docstring. `limiters` is the runtime's registry, by name; `on_reset`
    drops a server's in-memory indexes when another server reset the sandbox."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        faults: Faults,
        limiters: dict[str, RateLimiter],
        on_reset: Callable[[], None],
    ) -> None:
        self.enabled = store.shared
        self._store = store
        self._clock = clock
        self._faults = faults
        self._limiters = limiters
        self._on_reset = on_reset
        self._lock = threading.RLock()
        self._version: str | None = None  # of the control record last applied or written
        self._reset_id: str | None = None
        self._listener = store.listener(CONTROL_CHANNEL, LISTENER_NAME) if self.enabled else None
        self._mine: deque[str] = deque(maxlen=64)  # versions this server announced
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        # A pair of connected sockets: the watching thread waits on the reading one beside the
        # PostgreSQL connection, and `close` writes to the other, so a stop (Ctrl-C, a test's
        # server) does not wait out WATCH_SECONDS.
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def start(self) -> None:
        """Take the shared state as it is when this server joins (no reset of our own), and
        watch for changes from then on."""
        if self._listener is None:
            return
        self._listener.poll()  # listening before reading: no change falls between the two
        doc = self._store.get(TENANT, KIND, RECORD)
        if doc is not None:
            with self._lock:
                self._reset_id = doc.get("reset_id")
                self._apply(doc)
        self._wake = socket.socketpair()
        self._watcher = threading.Thread(
            target=self._watch, name="mockserver-control-watch", daemon=True
        )
        self._watcher.start()

    def _watch(self) -> None:
        """Apply and confirm announcements as they arrive (see the module docstring)."""
        assert self._listener is not None and self._wake is not None
        unreachable = False  # one log line per outage, not one a pass
        while not self._stopping.is_set():
            arrived = self._listener.wait_readable(WATCH_SECONDS, self._wake[0])
            if not arrived or self._stopping.is_set():
                continue
            try:
                self.sync()
            except Exception as error:  # noqa: BLE001 - PostgreSQL unreachable: retried
                if not unreachable:
                    first_line = (str(error).splitlines() or [type(error).__name__])[0]
                    log.warning("shared control state: PostgreSQL unreachable (%s)", first_line)
                unreachable = True
                self._stopping.wait(WATCH_SECONDS)
                continue
            if unreachable:
                log.warning("shared control state: PostgreSQL reachable again")
                unreachable = False
            if self._listener.pid is None:
                self._stopping.wait(WATCH_SECONDS)  # not listening: not in a tight loop

    def sync(self, read: bool = False) -> None:
        """Bring this server up to the shared control state, if another server changed it;
        with `read`, from the control record whatever was announced (the control plane)."""
        if self._listener is None:
            return
        # Held while a change is read and applied: a request that arrives meanwhile waits for
        # it rather than finding the announcement taken and the old state still in place.
        with self._lock:
            announced = self._listener.poll()
            theirs = [version for version in announced or () if version not in self._mine]
            if read or announced is None or any(v != self._version for v in theirs):
                doc = self._store.get(TENANT, KIND, RECORD)
                if doc is not None and doc.get("version") != self._version:
                    self._apply(doc)
            pid = self._listener.pid
            for version in theirs if pid is not None else ():
                self._store.announce(CONTROL_CHANNEL, ack_payload(version, pid))

    @contextmanager
    def change(self, reset: bool = False) -> Iterator[None]:
        """Change the clock, fault rules or quota settings inside this block; every server
        sees the change from its next request. Changes by two servers at once are applied
        one after the other (the control record stays locked meanwhile). `reset` tells the
        other servers that this one reset the sandbox."""
        if self._listener is None:
            yield
            return
        with self._lock:
            self._listener.ensure()  # to hear the confirmations (made before they are sent)
            with self._store.transaction() as tx:
                doc = tx.locked(TENANT, KIND, RECORD, {})
                if doc.get("version") not in (None, self._version):
                    self._apply(doc)
                try:
                    yield
                except BaseException:
                    if doc:
                        self._apply(doc)  # back to what every other server has
                    raise
                if reset:
                    self._reset_id = secrets.token_hex(8)
                self._version = secrets.token_hex(8)
                self._mine.append(self._version)
                tx.put(TENANT, KIND, RECORD, self._describe())
                tx.notify(CONTROL_CHANNEL, self._version)
                # Listening before this commits: each of them hears the announcement.
                others = tx.listening(LISTENER_NAME) - {self._listener.pid}
            version = self._version
        # Not under the lock: the watching thread applies and confirms other servers' changes
        # meanwhile (two servers changing at once each wait for the other's confirmation).
        silent = self._listener.wait_for_acks(
            version, others, ANNOUNCE_WAIT_SECONDS, lambda: self._store.listening(LISTENER_NAME)
        )
        if silent:
            log.warning(
                "shared control state: %d server(s) did not confirm a change within %g s"
                " (PostgreSQL backend pids %s); they may answer from the old state a while",
                len(silent),
                ANNOUNCE_WAIT_SECONDS,
                ", ".join(map(str, sorted(silent))),
            )

    def close(self) -> None:
        self._stopping.set()
        if self._wake is not None:
            try:
                self._wake[1].send(b"x")
            except OSError:
                pass  # already closed: the thread sees `_stopping` within WATCH_SECONDS
        if self._watcher is not None:
            self._watcher.join(STOP_WAIT_SECONDS)
        if self._listener is not None:
            self._listener.close()
        if self._wake is not None:
            for end in self._wake:
                end.close()

    def _describe(self) -> dict[str, Any]:
        return {
            "version": self._version,
            "reset_id": self._reset_id,
            "clock": self._clock.state(),
            "faults": self._faults.state(),
            "quotas": {name: limiter.quota.describe() for name, limiter in self._limiters.items()},
        }

    def _apply(self, doc: dict[str, Any]) -> None:
        if doc.get("reset_id") != self._reset_id:
            self._reset_id = doc.get("reset_id")
            self._on_reset()
        self._clock.load_state(doc.get("clock") or {})
        self._faults.load_state(doc.get("faults") or [])
        for name, quota in (doc.get("quotas") or {}).items():
            limiter = self._limiters.get(name)
            if limiter is not None:
                limiter.quota = Quota(**quota)  # counts are in the store already
        self._version = doc.get("version")
