"""Which errors say the shared store cannot answer (a 503 the client may retry) and which are
the mock's own faults (a 500 with its traceback): core/store_outage.py."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import exc as sqlalchemy_errors

from mockserver.core.pg_statements import StatementsBusy
from mockserver.core.store_outage import is_store_full, is_store_outage


def _wrapped(error: BaseException, kind=sqlalchemy_errors.OperationalError) -> BaseException:
    """As SQLAlchemy raises a driver's error."""
    return kind("SELECT 1", {}, error)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.OperationalError("connection refused"),  # a single statement's own connection
        _wrapped(psycopg.OperationalError("server closed the connection unexpectedly")),
        _wrapped(psycopg.errors.AdminShutdown("terminating connection")),
        _wrapped(psycopg.errors.TooManyConnections("too many clients already")),
        _wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")),
        StatementsBusy("all 16 connections stayed in use"),
        sqlalchemy_errors.TimeoutError("QueuePool limit reached"),
    ],
    ids=repr,
)
def test_errors_of_a_store_that_cannot_answer(error) -> None:
    assert is_store_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        _wrapped(psycopg.errors.UndefinedTable("no table"), sqlalchemy_errors.ProgrammingError),
        _wrapped(psycopg.errors.UniqueViolation("duplicate"), sqlalchemy_errors.IntegrityError),
        _wrapped(sqlite3.OperationalError("no such table: documents")),  # a mock bug on SQLite
        ValueError("a mock bug"),
        KeyError("kind"),
    ],
    ids=repr,
)
def test_errors_of_the_mock_itself(error) -> None:
    assert not is_store_outage(error)


def _sqlite_error(code: int, message: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # as the sqlite3 module sets it
    return error


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (_wrapped(_sqlite_error(13, "database or disk is full")), True),  # cap or disk
        (_sqlite_error(13, "database or disk is full"), True),  # a reset's own connection
        (_wrapped(psycopg.errors.DiskFull("could not extend file")), True),
        (_wrapped(_sqlite_error(1, "no such table: documents")), False),
        (_wrapped(psycopg.OperationalError("connection refused")), False),
        (ValueError("a mock bug"), False),
    ],
    ids=repr,
)
def test_a_full_store_is_told_from_other_errors(error, full) -> None:
    assert is_store_full(error) is full
