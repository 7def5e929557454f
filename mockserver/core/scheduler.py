"""One background thread that runs the server's periodic jobs (webhook deliveries, providers'
time-driven processing) every `interval` seconds of real time. Jobs read the server clock, so
advancing `/_mock/clock` makes due work happen on the next pass."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("mockserver.scheduler")
# A job that keeps failing (PostgreSQL down: every pass, ten a second) is logged with its
# traceback once, then in one line at most this often, and once more when it works again.
REPEAT_LOG_SECONDS = 60.0


class Scheduler:
    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self._jobs: list[tuple[str, Callable[[], object]]] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pass = threading.RLock()  # held for a whole pass (see `paused`)
        # Jobs failing now: when their failure was last logged, and how many passes failed.
        self._failing: dict[str, tuple[float, int]] = {}

    def add(self, name: str, job: Callable[[], object]) -> None:
        self._jobs.append((name, job))

    def wake(self) -> None:
        """Run a pass now rather than at the next interval."""
        self._wake.set()

    def run_once(self) -> None:
        with self._pass:
            for name, job in self._jobs:
                try:
                    job()
                except Exception as error:  # one failing job must not stop the others
                    self._failed(name, error)
                else:
                    if name in self._failing:
                        count = self._failing.pop(name)[1]
                        log.warning(
                            "scheduled job %s works again after %d failed passes", name, count
                        )

    def _failed(self, name: str, error: Exception) -> None:
        now = time.monotonic()
        logged, count = self._failing.get(name, (None, 0))
        count += 1
        if logged is None:
            log.exception("scheduled job %s failed: %s: %s", name, type(error).__name__, error)
            logged = now
        elif now - logged >= REPEAT_LOG_SECONDS:
            log.error(
                "scheduled job %s still failing (%d passes): %s: %s",
                name,
                count,
                type(error).__name__,
                error,
            )
            logged = now
        self._failing[name] = (logged, count)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No pass runs inside this block, and one under way is finished first: a reset must
        not be followed by a pass writing back a record it read before (a VEC batch it was
        moving on came back after the reset)."""
        with self._pass:
            yield

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.interval)
            self._wake.clear()
