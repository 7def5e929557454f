"""One background thread that runs the server's periodic jobs (webhook deliveries, providers'
time-driven processing) every `interval` seconds of real time. Jobs read the server clock, so
advancing `/_mock/clock` makes due work happen on the next pass."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("mockserver.scheduler")


class Scheduler:
    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self._jobs: list[tuple[str, Callable[[], object]]] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pass = threading.RLock()  # held for a whole pass (see `paused`)

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
                except Exception:  # one failing job must not stop the others or the thread
                    log.exception("scheduled job %s failed", name)

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
