"""What a provider package hands the app: its blueprints, error renderer and fixtures.

The app discovers every package under `mockserver.providers` that exposes `PROVIDER` (a
subclass of `Provider`), so a fifth provider is one new folder and touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response
from werkzeug.exceptions import HTTPException

from mockserver.core.errors import ApiError, ValidationFailed

if TYPE_CHECKING:
    from mockserver.core.runtime import Runtime


class Provider:
    """Base of every emulated provider; subclasses fill in the class attributes and hooks."""

    name: str = ""
    title: str = ""
    order: int = 100

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.fixtures: dict[str, Any] = {}

    @property
    def prefix(self) -> str:
        return f"/{self.name}"

    def blueprint(self) -> Blueprint:
        raise NotImplementedError

    def control_blueprint(self) -> Blueprint | None:
        """Provider-specific control-plane routes, mounted under /_mock/<name>."""
        return None

    def render_error(self, error: ApiError | ValidationFailed) -> Response:
        raise NotImplementedError

    def render_http_error(self, exc: HTTPException) -> Response:
        """Routing-level failures (404, 405, 413) in the provider's envelope."""
        code = (exc.name or "error").lower().replace(" ", "_")
        error = ApiError(exc.code or 500, code, exc.description or exc.name or "error")
        response = self.render_error(error)
        allow = dict(exc.get_headers()).get("Allow")
        if allow:
            response.headers["Allow"] = allow
        return response

    def load_fixtures(self, data: dict[str, Any]) -> None:
        self.fixtures = data or {}

    def on_reset(self) -> None:
        """Called after /_mock/reset cleared the store: drop in-memory indexes of state."""

    def tick(self) -> None:
        """Time-driven work (called by the scheduler every ~100 ms); most providers have none."""

    def tenants(self) -> list[dict[str, Any]]:
        """Accounts and the credentials that map to them, for /_mock/tenants and start-up."""
        return []

    def tenant_id(self, account_id: str) -> str:
        return f"{self.name}:{account_id}"


def discover() -> list[type[Provider]]:
    import mockserver.providers as package

    found: list[type[Provider]] = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        provider = getattr(module, "PROVIDER", None)
        if provider is not None:
            found.append(provider)
    return sorted(found, key=lambda cls: (cls.order, cls.name))
