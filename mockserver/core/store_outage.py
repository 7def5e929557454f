"""Telling a shared store that cannot answer (PostgreSQL stopped, restarting, out of
connections, too busy) from a fault of the mock's own.

A request that needs the store while it cannot answer is answered 503 with `Retry-After`, in the
provider's error envelope: what a provider's load balancer says while its database is away, and
a status clients retry, where a 500 says the request met a fault (urllib3's `Retry`, under
`requests` and boto3, retries a 503 that carries `Retry-After` unasked; a 500 only if told to). Only
the driver's errors for an unusable connection count: a statement PostgreSQL refused for its
text (a mock bug) stays a 500 with its traceback.
"""

from __future__ import annotations

import sqlite3
import sys

from sqlalchemy import exc as sqlalchemy_errors

from mockserver.core.pg_statements import StatementsBusy

# Seconds a client is asked to wait before trying again: PostgreSQL restarts in about that long,
# and a pool that was full frees a connection sooner.
RETRY_AFTER_SECONDS = 1
SQLITE_FULL = 13  # SQLite's result code for "database or disk is full"
PG_DISK_FULL = "53100"


def _driver_outage_errors() -> tuple[type[BaseException], ...]:
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:  # not loaded: no shared store, so none of its errors
        return ()
    # Connection refused or lost, "the database system is starting up" or "shutting down",
    # "too many clients": all OperationalError in psycopg (SQLSTATE classes 08, 53, 57).
    return (psycopg.OperationalError,)


def is_store_outage(error: BaseException) -> bool:
    """Whether `error` says the store could not be reached or had no connection to give,
    rather than that the mock did something wrong."""
    if isinstance(error, (StatementsBusy, sqlalchemy_errors.TimeoutError)):
        return True  # every connection in use for the whole wait
    outage = _driver_outage_errors()
    if not outage:
        return False
    if isinstance(error, sqlalchemy_errors.DBAPIError):
        return isinstance(error.orig, outage) or error.connection_invalidated
    return isinstance(error, outage)


def is_store_full(error: BaseException) -> bool:
    """Whether a write failed because the store reached its size (--store-max-mb) or the disk
    under it (SQLite's or PostgreSQL's) has no room: answered 503 too, with what to do in the
    log, since nothing the client sent was wrong and a reset (or room) lets the same request
    through."""
    cause = error.orig if isinstance(error, sqlalchemy_errors.DBAPIError) else error
    if isinstance(cause, sqlite3.OperationalError):
        return getattr(cause, "sqlite_errorcode", None) == SQLITE_FULL
    return getattr(cause, "sqlstate", None) == PG_DISK_FULL
