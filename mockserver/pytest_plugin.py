"""pytest plugin (entry point `pytest11`): the `mockserver` fixture.

One server per test session, and so one per pytest-xdist worker (each worker is its own
process and session); started on the first test that asks for it, and put back before each
test: state, clock, seed, fault rules and journal forgotten, and the session's fixtures back
(what one test loads with `mockserver.fixtures(...)` is gone in the next).

    def test_issue(mockserver):
        base = mockserver.url("accredible")          # http://127.0.0.1:<port>/accredible
        mockserver.add_fault(provider="accredible", status=503, times=1)
        ...
        assert mockserver.count(provider="accredible", method="POST") == 1

Options, each given on the command line, in the ini file or in the environment (first found
wins):

- fixtures folder: `--mockserver-fixtures-dir`, `mockserver_fixtures_dir` (relative to the
  ini file), `MOCKSERVER_FIXTURES_DIR`; default the packaged fixtures;
- HTTP layer: `--mockserver-http waitress|granian`, `mockserver_http`, `MOCKSERVER_HTTP`;
  default waitress, in the test process (Granian runs `mockserver serve` as a child process);
- putting the sandbox back before each test: `--mockserver-reset on|off`, `mockserver_reset`;
  default on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from mockserver.testing import Sandbox

FIXTURES_OPTION, FIXTURES_INI = "--mockserver-fixtures-dir", "mockserver_fixtures_dir"
HTTP_OPTION, HTTP_INI = "--mockserver-http", "mockserver_http"
RESET_OPTION, RESET_INI = "--mockserver-reset", "mockserver_reset"
HTTP_LAYERS = ("waitress", "granian")
ON_OFF = {
    "on": True,
    "true": True,
    "yes": True,
    "1": True,
    "off": False,
    "false": False,
    "no": False,
    "0": False,
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    group.addoption(
        FIXTURES_OPTION,
        dest="mockserver_fixtures_dir",
        default=None,
        help="folder of <provider>.yaml fixture files for the mockserver sandbox",
    )
    group.addoption(
        HTTP_OPTION,
        dest="mockserver_http",
        default=None,
        choices=HTTP_LAYERS,
        help="the sandbox's HTTP layer: waitress (default, in this process) or granian",
    )
    group.addoption(
        RESET_OPTION,
        dest="mockserver_reset",
        default=None,
        choices=("on", "off"),
        help="put the sandbox back at its fixtures before each test (default on)",
    )
    parser.addini(
        FIXTURES_INI, "folder of <provider>.yaml fixture files for the mockserver sandbox"
    )
    parser.addini(HTTP_INI, "the sandbox's HTTP layer: waitress or granian")
    parser.addini(RESET_INI, "put the sandbox back at its fixtures before each test: on or off")


def fixtures_dir(config: pytest.Config) -> str:
    """The folder the session's sandbox loads ("" for the packaged fixtures)."""
    given = config.getoption("mockserver_fixtures_dir")
    if given:
        return str(Path(given).resolve())
    ini = config.getini(FIXTURES_INI)
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return str((base / str(ini)).resolve())
    return os.environ.get("MOCKSERVER_FIXTURES_DIR", "")


def http_layer(config: pytest.Config) -> str:
    chosen = (
        config.getoption("mockserver_http")
        or str(config.getini(HTTP_INI) or "").strip()
        or os.environ.get("MOCKSERVER_HTTP", "")
        or "waitress"
    )
    if chosen not in HTTP_LAYERS:
        raise pytest.UsageError(
            f"{HTTP_INI} must be one of {', '.join(HTTP_LAYERS)}, not {chosen!r}"
        )
    return chosen


def reset_each_test(config: pytest.Config) -> bool:
    chosen = config.getoption("mockserver_reset") or str(config.getini(RESET_INI) or "on").strip()
    if chosen.lower() not in ON_OFF:
        raise pytest.UsageError(f"{RESET_INI} must be on or off, not {chosen!r}")
    return ON_OFF[chosen.lower()]


def pytest_configure(config: pytest.Config) -> None:
    # A mistake in the options is one line when the run starts, not an error in every test.
    http_layer(config)
    reset_each_test(config)


@pytest.fixture(scope="session")
def mockserver_session(pytestconfig: pytest.Config) -> Iterator[Sandbox]:
    """The session's (the worker's) running sandbox."""
    from mockserver.testing import Sandbox

    sandbox = Sandbox.start(fixtures_dir=fixtures_dir(pytestconfig), http=http_layer(pytestconfig))
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def mockserver(mockserver_session: Sandbox, pytestconfig: pytest.Config) -> Sandbox:
    """The sandbox, back at the session's fixtures (unless `mockserver_reset` is off)."""
    if reset_each_test(pytestconfig):
        mockserver_session.reset()
    return mockserver_session
