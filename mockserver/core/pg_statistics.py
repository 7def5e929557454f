"""Statistics gathered for PostgreSQL's planner as a shared store fills, not a minute later.

PostgreSQL plans each query from what it last learned of the tables' sizes and values
(ANALYZE). Its autovacuum gathers them about once a minute, and only once a table has
changed by a tenth: a sandbox filled a moment before (a CI run on a new database, a load
test) is planned as if its tables held a row or two. Measured on a new database, the 1,000
certificates of a VEC batch were read in 140–160 ms instead of 23: the planner matched the
page of their ids against every record of the kind (a nested loop whose filter dropped 499,500
rows), where with statistics it looks each one up by its key.

So the store counts the rows its transactions wrote and has PostgreSQL gather statistics
again once they reach a tenth of what it had written at the last gathering (at least
MIN_ROWS): right after the commit when one transaction wrote that many itself (a bulk create,
whose client reads next), on a thread of its own otherwise. One gathering at a time; ANALYZE
samples at most 30,000 rows a table, so it costs tens of milliseconds at any size.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("mockserver.store")

TABLES = "records, record_index, record_counts, unique_keys"
MIN_ROWS = 200
FRACTION = 0.1


class Statistics:
    """`wrote(rows)` after each commit; `analyze()` runs the statement (ANALYZE TABLES)."""

    def __init__(self, analyze: Callable[[], None]) -> None:
        self._analyze = analyze
        self._lock = threading.Lock()
        self._since = 0  # rows written since the last gathering began
        self._at_last = 0  # rows written in all when it began
        self._total = 0
        self._running: threading.Thread | None = None
        self._closed = False

    def wrote(self, rows: int) -> None:
        if rows <= 0:
            return
        with self._lock:
            self._total += rows
            self._since += rows
            if self._since < max(MIN_ROWS, FRACTION * self._at_last):
                return
            if self._closed or (self._running is not None and self._running.is_alive()):
                return  # the one under way, or the next write, sees these rows
            self._since, self._at_last = 0, self._total
            now = rows >= MIN_ROWS
            if not now:
                self._running = threading.Thread(
                    target=self._gather, name="store-statistics", daemon=True
                )
                self._running.start()
        if now:
            self._gather()

    def forget(self) -> None:
        """The tables were emptied (a reset): count afresh."""
        with self._lock:
            self._since = self._at_last = self._total = 0

    def _gather(self) -> None:
        try:
            self._analyze()
        except Exception:  # noqa: BLE001 - a plan from older statistics is slower, not wrong
            log.warning("gathering statistics for PostgreSQL's planner failed", exc_info=True)

    def close(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._closed = True
            running = self._running
        if running is not None:
            running.join(timeout)
