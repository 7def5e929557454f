"""A reset of a store shared on PostgreSQL: its tables emptied whole, not row by row.

DELETE writes every row it removes (a dead row and its WAL, index entries left for vacuum):
at 100,000 Accredible credentials a reset took 280 ms, and it grows with the sandbox. TRUNCATE
gives each table a new empty file instead, in about the same time whatever the table held.

It needs each table to itself (an ACCESS EXCLUSIVE lock) while other servers sharing the store
may be in the middle of a request. So it waits at most LOCK_WAIT_MS for each table: a reset
that would wait longer, or a database role not allowed to truncate, rolls back and deletes row
by row as before. PostgreSQL looks for deadlocks only once a statement has waited
`deadlock_timeout` (1 s by default); the reset lets its locks go long before that, so it is
never the reason another server's transaction is cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from sqlalchemy import Table, delete
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

LOCK_WAIT_MS = 50
# SQLSTATEs after which the rows are deleted instead: a lock not had in time, and a role that
# may delete rows but not truncate (a database an administrator set up).
GIVE_WAY = {"55P03", "42501"}


def empty(
    transaction: Callable[[], AbstractContextManager[Connection]], tables: Sequence[Table]
) -> str:
    """Empty `tables` in one transaction; returns "truncate" or "delete", which was used."""
    names = ", ".join(table.name for table in tables)
    try:
        with transaction() as conn:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'")
            conn.exec_driver_sql(f"TRUNCATE {names}")
        return "truncate"
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) not in GIVE_WAY:
            raise
    with transaction() as conn:
        for table in tables:
            conn.execute(delete(table))
    return "delete"
