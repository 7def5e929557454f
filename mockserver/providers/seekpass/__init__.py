"""SEEK Pass partner API ("Add to SEEK Pass", "Verify with SEEK Pass"), mounted at /seekpass."""

from __future__ import annotations

from typing import Any

from flask import request

from mockserver.core.auth import basic_credentials, bearer_token
from mockserver.core.errors import ApiError
from mockserver.core.frameworks.rails import RAILS
from mockserver.core.panels import Panel
from mockserver.core.provider import Provider
from mockserver.core.runtime import Runtime
from mockserver.providers.seekpass import dashboard, errors
from mockserver.providers.seekpass.control import build_control_blueprint
from mockserver.providers.seekpass.fixtures import SeekPassFixtures
from mockserver.providers.seekpass.models import SeekPassModel
from mockserver.providers.seekpass.routes import build_blueprint
from mockserver.providers.seekpass.scenarios import SCENARIOS


class SeekPass(Provider):
    name = "seekpass"
    framework = RAILS
    title = "SEEK Pass"
    order = 10
    build_blueprint = staticmethod(build_blueprint)
    build_control_blueprint = staticmethod(build_control_blueprint)
    render = staticmethod(errors.render)
    scenarios = SCENARIOS
    state_labels = {"request": "requests", "webhook": "webhooks"}
    fixture_schema = SeekPassFixtures
    issued_kinds = {"requests": "request", "webhooks": "webhook"}

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.model = SeekPassModel(
            runtime.store,
            runtime.clock,
            runtime.uploads,
            runtime.webhooks,
            runtime.settings.token_signing_key,
        )

    def request_tenant(self) -> str | None:
        tokens = self.model.tokens
        token = bearer_token()
        if token:
            try:
                return tokens.authenticate(token).tenant
            except ApiError:
                return None
        basic = basic_credentials()
        client_id = basic[0] if basic else request.form.get("client_id", "")
        client = tokens.clients.get(client_id)
        return client.tenant if client else None

    def issued(self, tenant: str | None = None) -> dict[str, list[dict[str, Any]]]:
        found = super().issued(tenant)
        found["tokens"] = [
            t for t in self.model.tokens.recent if not tenant or t["tenant"] == tenant
        ]
        return found

    def dashboard_panel(self) -> list[Panel]:
        return dashboard.panels(self.model)

    def tenants(self) -> list[dict[str, Any]]:
        by_tenant: dict[str, dict[str, Any]] = {}
        for client in self.model.tokens.clients.values():
            entry = by_tenant.setdefault(
                client.tenant, {"tenant": client.tenant, "name": client.account_name, "clients": []}
            )
            entry["clients"].append(
                {
                    "client_id": client.client_id,
                    "client_secret": client.client_secret,
                    "scopes": list(client.scopes),
                }
            )
        for entry in by_tenant.values():
            entry["summary"] = "; ".join(
                f"client_id={c['client_id']} client_secret={c['client_secret']} "
                f"scopes={' '.join(c['scopes'])}"
                for c in entry["clients"]
            )
        return list(by_tenant.values())


PROVIDER = SeekPass
