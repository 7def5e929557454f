"""What a provider package hands the app: its blueprints, error renderer and fixtures.

The app discovers every package under `mockserver.providers` that exposes `PROVIDER` (a
subclass of `Provider`), so a fifth provider is one new folder and touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response
from marshmallow import Schema
from werkzeug.exceptions import HTTPException

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.frameworks.base import PLAIN, Framework
from mockserver.core.panels import Panel
from mockserver.core.scenarios import Scenario

if TYPE_CHECKING:
    from mockserver.core.runtime import Runtime


class Provider:
    """Base of every emulated provider.

    A subclass names itself and hands over three functions of its own package: the blueprint
    builder, the control blueprint builder and the error renderer; it sets `self.model`, whose
    optional `tick()` and `reload()` the scheduler and /_mock/reset call.
    """

    name: str = ""
    title: str = ""
    order: int = 100
    build_blueprint: Callable[[], Blueprint]
    build_control_blueprint: Callable[[], Blueprint] | None = None
    render: Callable[[ApiError | ValidationFailed], Response]
    scenarios: list[Scenario] = []  # the provider's named outcomes (core/scenarios.py)
    # What the provider hands out, by label: the store kinds /_mock/issued lists.
    issued_kinds: dict[str, str] = {}
    # The dashboard's names for the kinds of record the provider stores; a kind named None is
    # bookkeeping and not shown (an unnamed kind is shown as it is stored).
    state_labels: dict[str, str | None] = {}
    model: Any = None
    # The shape of the provider's fixture file (core/fixture_files.py); unknown keys refused.
    fixture_schema: type[Schema] | None = None
    # The web framework the real service runs on: its path rules apply before routing and
    # its parameter rules in the views (core/frameworks).
    framework: Framework = PLAIN

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.fixtures: dict[str, Any] = {}

    @property
    def prefix(self) -> str:
        return f"/{self.name}"

    def blueprint(self) -> Blueprint:
        return type(self).build_blueprint()

    def control_blueprint(self) -> Blueprint | None:
        """Provider-specific control-plane routes, mounted under /_mock/<name>."""
        builder = type(self).build_control_blueprint
        return builder() if builder is not None else None

    def render_error(self, error: ApiError | ValidationFailed) -> Response:
        return type(self).render(error)

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
        if self.model is not None:
            self.model.load_fixtures(self.fixtures, self.tenant_id)

    def seed(self) -> None:
        """Write the fixtures' records into the store, those not there yet (a reset calls it
        inside its emptying of the store: Store.clear's refill)."""
        seed = getattr(self.model, "seed", None)
        if seed is not None:
            seed()

    def on_reset(self) -> None:
        """Called after /_mock/reset cleared the store: drop in-memory indexes of state."""
        reload = getattr(self.model, "reload", None)
        if reload is not None:
            reload()

    def tick(self) -> None:
        """Time-driven work (called by the scheduler every ~100 ms); most providers have none."""
        tick = getattr(self.model, "tick", None)
        if tick is not None:
            tick()

    def request_tenant(self) -> str | None:
        """The tenant the current request's credential maps to, without side effects (for the
        journal and fault rules); None when it carries no known credential."""
        return None

    def issued(self, tenant: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Everything the provider issued (credentials, batches, …), newest first."""
        store = self.runtime.store
        prefix = tenant or f"{self.name}:"
        found = {}
        for label, kind in self.issued_kinds.items():
            rows = store.dump(prefix, kind)
            rows.sort(key=lambda row: row["created_at"], reverse=True)
            found[label] = [
                {"tenant": row["tenant"], "id": row["id"], **row["doc"]} for row in rows
            ]
        return found

    def dashboard_panel(self) -> list[Panel]:
        """What the dashboard shows for this provider and the actions it offers there (each a
        control-plane POST made for the person), from the provider's own `dashboard.py`."""
        return []

    def tenants(self) -> list[dict[str, Any]]:
        """Accounts and the credentials that map to them, for /_mock/tenants and start-up."""
        return []

    def tenant_id(self, account_id: str) -> str:
        return f"{self.name}:{account_id}"


def credentials_by_tenant(
    credentials: dict[str, tuple[Any, ...]],
) -> dict[str, list[tuple[str, tuple[Any, ...]]]]:
    """Credentials (key -> (tenant, ...)) grouped by tenant, in one pass: listing tenants by
    scanning every key for each tenant made /_mock/tenants quadratic (10,000 tenants: 10 s)."""
    grouped: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}
    for key, value in credentials.items():
        grouped.setdefault(value[0], []).append((key, value))
    return grouped


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
