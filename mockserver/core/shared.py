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

On a store that only one process uses (SQLite in memory or in a file) this does nothing and
costs nothing: `sync()` returns at once and `change()` is an empty block.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mockserver.core.clock import Clock
from mockserver.core.faults import Faults
from mockserver.core.postgres import CONTROL_CHANNEL
from mockserver.core.ratelimit import Quota, RateLimiter
from mockserver.core.store import Store

TENANT = "_mock"
# How long a change waits for its own announcement to come back (see Listener.wait_for); only
# a PostgreSQL in trouble takes more than milliseconds.
ANNOUNCE_WAIT_SECONDS = 2.0
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
        self._listener = store.listener(CONTROL_CHANNEL) if self.enabled else None

    def start(self) -> None:
        """Take the shared state as it is when this server joins (no reset of our own)."""
        if self._listener is None:
            return
        self._listener.poll()  # listening before reading: no change falls between the two
        doc = self._store.get(TENANT, KIND, RECORD)
        if doc is not None:
            with self._lock:
                self._reset_id = doc.get("reset_id")
                self._apply(doc)

    def sync(self, read: bool = False) -> None:
        """Bring this server up to the shared control state, if another server changed it;
        with `read`, from the control record whatever was announced (the control plane)."""
        if self._listener is None:
            return
        # Held while a change is read and applied: a request that arrives meanwhile waits for
        # it rather than finding the announcement taken and the old state still in place.
        with self._lock:
            announced = self._listener.poll()
            if (
                not read
                and announced is not None
                and all(version == self._version for version in announced)
            ):
                return  # nothing, or only our own changes
            doc = self._store.get(TENANT, KIND, RECORD)
            if doc is not None and doc.get("version") != self._version:
                self._apply(doc)

    @contextmanager
    def change(self, reset: bool = False) -> Iterator[None]:
        """Change the clock, fault rules or quota settings inside this block; every server
        sees the change from its next request. Changes by two servers at once are applied
        one after the other (the control record stays locked meanwhile). `reset` tells the
        other servers that this one reset the sandbox."""
        if not self.enabled:
            yield
            return
        with self._lock:
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
                tx.put(TENANT, KIND, RECORD, self._describe())
                tx.notify(CONTROL_CHANNEL, self._version)
            if self._listener is not None:
                self._listener.wait_for(self._version, ANNOUNCE_WAIT_SECONDS)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()

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
