"""Where the PostgreSQL tests find their database: MOCKSERVER_TEST_PG_URL (`.ci/run` starts
Debian's PostgreSQL and sets it). Without it those tests skip, unless
MOCKSERVER_REQUIRE_PG=1 (set by `.ci/run`) makes the absence a failure."""

from __future__ import annotations

import os

import pytest

PG_URL = os.environ.get("MOCKSERVER_TEST_PG_URL", "")


def pg_url() -> str:
    if PG_URL:
        return PG_URL
    if os.environ.get("MOCKSERVER_REQUIRE_PG"):
        pytest.fail("MOCKSERVER_REQUIRE_PG is set but MOCKSERVER_TEST_PG_URL is not")
    pytest.skip("no PostgreSQL: set MOCKSERVER_TEST_PG_URL (see .ci/run)")
    return ""


def empty_pg_url() -> str:
    """The test database's URL, its sandbox emptied first (each test starts from nothing)."""
    from mockserver.core.store import Store

    url = pg_url()
    store = Store(url)
    store.clear()
    store.close()
    return url
