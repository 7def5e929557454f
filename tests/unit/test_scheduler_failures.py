"""A job that keeps failing (PostgreSQL down: every pass, ten a second) is logged once with its
cause and traceback, then at most once a REPEAT_LOG_SECONDS in one line, and once when it works
again; the other jobs keep running."""

from __future__ import annotations

import logging

import pytest

from mockserver.core import scheduler as scheduler_module
from mockserver.core.scheduler import Scheduler


@pytest.fixture
def records(caplog):
    logger = logging.getLogger("mockserver")
    own = not logger.propagate  # once a server's own handler is set, nothing propagates
    if own:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="mockserver.scheduler")
    yield lambda: [r for r in caplog.records if r.name == "mockserver.scheduler"]
    if own:
        logger.removeHandler(caplog.handler)


def _flaky(failures: int) -> tuple[list[int], object]:
    runs: list[int] = []

    def job() -> None:
        runs.append(1)
        if len(runs) <= failures:
            raise ConnectionError("store unreachable")

    return runs, job


def test_a_failing_job_is_logged_once_then_when_it_works_again(records) -> None:
    scheduler = Scheduler()
    runs, job = _flaky(5)
    healthy: list[int] = []
    scheduler.add("flaky", job)
    scheduler.add("healthy", lambda: healthy.append(1))
    for _ in range(7):
        scheduler.run_once()
    assert len(runs) == 7 and len(healthy) == 7
    first, back = records()
    assert first.levelno == logging.ERROR and first.exc_info is not None
    assert first.getMessage() == "scheduled job flaky failed: ConnectionError: store unreachable"
    assert back.levelno == logging.WARNING
    assert back.getMessage() == "scheduled job flaky works again after 5 failed passes"


def test_a_job_still_failing_is_reminded_in_one_line(records, monkeypatch) -> None:
    monkeypatch.setattr(scheduler_module, "REPEAT_LOG_SECONDS", 0.0)
    scheduler = Scheduler()
    _runs, job = _flaky(3)
    scheduler.add("flaky", job)
    for _ in range(3):
        scheduler.run_once()
    messages = [(r.getMessage(), r.exc_info is not None) for r in records()]
    assert messages == [
        ("scheduled job flaky failed: ConnectionError: store unreachable", True),
        ("scheduled job flaky still failing (2 passes): ConnectionError: store unreachable", False),
        ("scheduled job flaky still failing (3 passes): ConnectionError: store unreachable", False),
    ]
