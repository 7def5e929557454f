"""Springest API (certificates and certifications), mounted at /springest."""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException

from mockserver.core.frameworks.rails import RAILS
from mockserver.core.panels import Panel
from mockserver.core.provider import Provider, credentials_by_tenant
from mockserver.core.runtime import Runtime
from mockserver.providers.springest import dashboard, errors
from mockserver.providers.springest.accounts import api_key
from mockserver.providers.springest.control import build_control_blueprint
from mockserver.providers.springest.fixtures import SpringestFixtures
from mockserver.providers.springest.models import SpringestModel
from mockserver.providers.springest.routes import build_blueprint
from mockserver.providers.springest.scenarios import SCENARIOS


class Springest(Provider):
    name = "springest"
    framework = RAILS
    title = "Springest"
    order = 40
    build_blueprint = staticmethod(build_blueprint)
    build_control_blueprint = staticmethod(build_control_blueprint)
    render = staticmethod(errors.render)
    scenarios = SCENARIOS
    state_labels = {"certification": "certifications", "partner": "partners"}
    fixture_schema = SpringestFixtures
    issued_kinds = {"certificates": "certificate"}

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.model = SpringestModel(runtime.store, runtime.clock, runtime.storage, runtime.limiter)

    def request_tenant(self) -> str | None:
        try:
            found = self.model.accounts.keys.get(api_key())
        except HTTPException:  # a body too large or malformed to look in
            return None
        return found[0] if found else None

    def dashboard_panel(self) -> list[Panel]:
        return dashboard.panels(self.model)

    def tenants(self) -> list[dict[str, Any]]:
        listed = []
        grouped = credentials_by_tenant(self.model.accounts.keys)
        for partner in self.model.accounts.partners.values():
            keys = [
                {"api_key": key, "kind": kind, "certifications": sorted(allowed)}
                for key, (_tenant, kind, allowed) in grouped.get(partner.tenant, [])
            ]
            summary = "; ".join(
                f"api_key={k['api_key']} ({k['kind']}"
                + (f": {', '.join(map(str, k['certifications']))})" if k["certifications"] else ")")
                for k in keys
            )
            listed.append(
                {
                    "tenant": partner.tenant,
                    "name": partner.name,
                    "api_keys": keys,
                    "summary": summary,
                }
            )
        return listed


PROVIDER = Springest
