"""pytest plugin (entry point `pytest11`): the `mockserver` fixture.

One server per test session, and so one per pytest-xdist worker (each worker is its own
process and session); started on the first test that asks for it, reset before each test.

    def test_issue(mockserver):
        base = mockserver.url("accredible")          # http://127.0.0.1:<port>/accredible
        mockserver.add_fault(provider="accredible", status=503, times=1)
        ...
        assert mockserver.count(provider="accredible", method="POST") == 1

Fixtures: the ones packaged with mockserver, unless a folder of `<provider>.yaml` files is
named by `--mockserver-fixtures-dir`, the ini option `mockserver_fixtures_dir` (relative to
the ini file), or MOCKSERVER_FIXTURES_DIR, in that order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mockserver.testing import Sandbox

OPTION = "--mockserver-fixtures-dir"
INI = "mockserver_fixtures_dir"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption(
        OPTION,
        dest="mockserver_fixtures_dir",
        default=None,
        help="folder of <provider>.yaml fixture files for the mockserver sandbox",
    )
    parser.addini(INI, "folder of <provider>.yaml fixture files for the mockserver sandbox")


def fixtures_dir(config: pytest.Config) -> str:
    """The folder the session's sandbox loads ("" for the packaged fixtures)."""
    given = config.getoption("mockserver_fixtures_dir")
    if given:
        return str(Path(given).resolve())
    ini = config.getini(INI)
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return str((base / str(ini)).resolve())
    return os.environ.get("MOCKSERVER_FIXTURES_DIR", "")


@pytest.fixture(scope="session")
def mockserver_session(pytestconfig: pytest.Config) -> Iterator[Sandbox]:
    """The session's (the worker's) running sandbox."""
    from mockserver.testing import Sandbox

    sandbox = Sandbox.start(fixtures_dir=fixtures_dir(pytestconfig))
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def mockserver(mockserver_session: Sandbox) -> Sandbox:
    """The sandbox, back at its fixtures: state, clock, seed, faults and journal reset."""
    mockserver_session.reset()
    return mockserver_session
