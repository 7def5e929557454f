"""One runtime and app for the whole test session (one embedded moto, started once).

Module level, so schemathesis can bind `schema.app` when it collects, before any fixture runs.
"""

from __future__ import annotations

from functools import cache

from flask import Flask

from mockserver.app import create_app
from mockserver.core.runtime import Runtime
from mockserver.settings import Settings


@cache
def shared_runtime() -> Runtime:
    return Runtime(Settings(public_url="http://127.0.0.1:8080"))


@cache
def shared_app() -> Flask:
    return create_app(runtime=shared_runtime())
