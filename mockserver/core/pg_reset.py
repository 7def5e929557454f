"""A reset of a store shared on PostgreSQL: its tables emptied whole, not row by row.

DELETE writes every row it removes (a dead row and its WAL, index entries left for vacuum):
at 100,000 Accredible credentials a reset took 195 ms on the bench machine (111–121 ms now),
growing with the sandbox. Worse, with another server writing at the same time it deadlocked:
the reset's DELETE and a request's transaction each held rows the other wanted, and
PostgreSQL cancelled one of them, the reset or the request (seen with two servers, four
clients creating credentials through one and resets through the other: a deadlock every
second or two). TRUNCATE gives each table a new empty file instead, whatever the table held,
and takes one lock per table.

It needs each table to itself (an ACCESS EXCLUSIVE lock), while other servers may be in the
middle of a request. So it waits at most LOCK_WAIT_MS for each table; if another transaction
holds one longer, the reset lets go of every table it took, waits a moment and tries again,
for up to RETRY_SECONDS. PostgreSQL looks for deadlocks only once a statement has waited
`deadlock_timeout` (1 s by default); the reset never waits that long, so no other server's
request is ever cancelled for it. A database role that may delete rows but not truncate (a
database an administrator set up) gets the row-by-row DELETE, with its risk.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from sqlalchemy import Table, delete
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

LOCK_WAIT_MS = 50
RETRY_SECONDS = 5.0
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK = "40P01"
NOT_ALLOWED = "42501"


def empty(
    transaction: Callable[[], AbstractContextManager[Connection]],
    tables: Sequence[Table],
    then: Callable[[Connection], None] = lambda conn: None,
) -> None:
    """Empty `tables` and do `then(conn)` in one transaction, which holds the tables until it
    commits (`then` may run more than once: each try is rolled back whole). The driver's
    error when the tables stayed held for RETRY_SECONDS (an outage: a 503)."""
    names = ", ".join(table.name for table in tables)
    deadline = time.monotonic() + RETRY_SECONDS
    attempt = 0
    while True:
        try:
            with transaction() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
                conn.exec_driver_sql(f"TRUNCATE {names}")
                then(conn)
            return
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state == NOT_ALLOWED:
                break
            if state not in (LOCK_NOT_AVAILABLE, DEADLOCK) or time.monotonic() > deadline:
                raise
        attempt += 1
        # Apart from the other servers' transactions in flight, and from another reset.
        time.sleep(random.uniform(0.005, 0.01 * min(attempt, 10)))
    with transaction() as conn:
        for table in tables:
            conn.execute(delete(table))
        then(conn)
