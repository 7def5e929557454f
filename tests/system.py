"""System programs some tests need (a browser, curl, Docker). Like PostgreSQL's
(tests/postgres.py): absent, those tests skip with a one-line reason, so the suite passes on a
machine with Python alone; with MOCKSERVER_REQUIRE_<WHAT> set (`.ci/run` sets each) an absence
is a failure instead, so CI can never pass by skipping them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def require(what: str, missing: str | None) -> None:
    """Skip (or fail, when MOCKSERVER_REQUIRE_<WHAT> is set) if `missing` says what is absent."""
    if missing is None:
        return
    variable = f"MOCKSERVER_REQUIRE_{what.upper()}"
    if os.environ.get(variable):
        pytest.fail(f"{variable} is set but {missing}")
    pytest.skip(f"{missing} (install it, or see .ci/run)")


def need_browser() -> None:
    absent = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    require(
        "browser",
        f"no {' or '.join(absent)} (Debian's chromium and chromium-driver)" if absent else None,
    )


def need_curl() -> str:
    found = shutil.which("curl")
    require("curl", None if found else "no curl on the PATH")
    return found or "curl"
