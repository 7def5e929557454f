"""pytest plugin (entry point `pytest11`): the `mockserver` fixture.

One server per test session, and so one per pytest-xdist worker (each worker is its own
process and session); started on the first test that asks for it, reset before each test.

    def test_issue(mockserver):
        base = mockserver.url("accredible")          # http://127.0.0.1:<port>/accredible
        mockserver.add_fault(provider="accredible", status=503, times=1)
        ...
        assert mockserver.count(provider="accredible", method="POST") == 1
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mockserver.testing import Sandbox


@pytest.fixture(scope="session")
def mockserver_session() -> Iterator[Sandbox]:
    """The session's (the worker's) running sandbox."""
    from mockserver.testing import Sandbox

    sandbox = Sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def mockserver(mockserver_session: Sandbox) -> Sandbox:
    """The sandbox, back at its fixtures: state, clock, seed, faults and journal reset."""
    mockserver_session.reset()
    return mockserver_session
