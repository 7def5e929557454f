"""Shared fixtures: one runtime (and one embedded moto) per session, reset before each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.core.runtime import Runtime
from mockserver.resources import default_fixtures_dir
from tests.shared_app import shared_app, shared_runtime


@pytest.fixture(scope="session")
def runtime() -> Iterator[Runtime]:
    rt = shared_runtime()
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def session_app(runtime: Runtime) -> Flask:
    return shared_app()


@pytest.fixture
def app(session_app: Flask, runtime: Runtime) -> Flask:
    runtime.load_fixture_dir(runtime.settings.fixtures_folder)
    runtime.apply_seed(None)
    runtime.reset()
    return session_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def fixtures_folder(runtime: Runtime, tmp_path, monkeypatch) -> Path:
    """A copy of the default fixtures made the runtime's fixtures folder for one test: the
    only place `POST /_mock/fixtures {"path": ...}` may read from."""
    folder = tmp_path / "fixtures"
    folder.mkdir()
    for source in default_fixtures_dir().glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    monkeypatch.setattr(runtime.settings, "fixtures_dir", str(folder))
    return folder
