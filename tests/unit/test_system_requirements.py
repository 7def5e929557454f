"""The suite on a machine with Python alone: a test that needs a system part skips with a
one-line reason when it is missing, and fails instead when CI requires it."""

from __future__ import annotations

import pytest

from tests import system


def test_missing_browser_skips_with_its_reason(monkeypatch) -> None:
    monkeypatch.delenv("MOCKSERVER_REQUIRE_BROWSER", raising=False)
    monkeypatch.setattr(system, "CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.skip.Exception, match="no /nonexistent/chromium"):
        system.need_browser()


def test_missing_browser_fails_when_required(monkeypatch) -> None:
    monkeypatch.setenv("MOCKSERVER_REQUIRE_BROWSER", "1")
    monkeypatch.setattr(system, "CHROMEDRIVER", "/nonexistent/chromedriver")
    with pytest.raises(pytest.fail.Exception, match="MOCKSERVER_REQUIRE_BROWSER is set"):
        system.need_browser()


def test_missing_curl_skips_or_fails(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("MOCKSERVER_REQUIRE_CURL", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no curl on the PATH"):
        system.need_curl()
    monkeypatch.setenv("MOCKSERVER_REQUIRE_CURL", "1")
    with pytest.raises(pytest.fail.Exception):
        system.need_curl()
