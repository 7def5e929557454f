"""VEC.digital business API (certificate vault and template batches), mounted at /vec."""

from __future__ import annotations

from typing import Any

from mockserver.core.auth import bearer_token
from mockserver.core.frameworks.laravel import LARAVEL
from mockserver.core.panels import Panel
from mockserver.core.provider import Provider, credentials_by_tenant
from mockserver.core.runtime import Runtime
from mockserver.providers.vec import dashboard, errors
from mockserver.providers.vec.control import build_control_blueprint
from mockserver.providers.vec.fixtures import VecFixtures
from mockserver.providers.vec.models import VecModel
from mockserver.providers.vec.routes import build_blueprint
from mockserver.providers.vec.scenarios import SCENARIOS


class Vec(Provider):
    name = "vec"
    framework = LARAVEL
    title = "VEC"
    order = 20
    build_blueprint = staticmethod(build_blueprint)
    build_control_blueprint = staticmethod(build_control_blueprint)
    render = staticmethod(errors.render)
    scenarios = SCENARIOS
    state_labels = {
        "vec_vault": "vault certificates",
        "vec_file": "uploaded files",
        "vec_batch": "batches",
        "vec_certificate": "batch certificates",
        "vec_counter": None,
    }
    fixture_schema = VecFixtures
    issued_kinds = {
        "files": "vec_file",
        "vault_certificates": "vec_vault",
        "batches": "vec_batch",
        "batch_certificates": "vec_certificate",
    }

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.model = VecModel(runtime.store, runtime.clock, runtime.storage, runtime.webhooks)

    def request_tenant(self) -> str | None:
        found = self.model.accounts.tokens.get(bearer_token() or "")
        return found[0] if found else None

    def dashboard_panel(self) -> list[Panel]:
        return dashboard.panels(self.model)

    def tenants(self) -> list[dict[str, Any]]:
        listed = []
        grouped = credentials_by_tenant(self.model.accounts.tokens)
        for institution in self.model.accounts.institutions.values():
            tokens = [
                {"token": token, "permissions": sorted(permissions)}
                for token, (_tenant, permissions) in grouped.get(institution.tenant, [])
            ]
            summary = "; ".join(
                f"token={t['token']} ({len(t['permissions'])} permissions)" for t in tokens
            )
            listed.append(
                {
                    "tenant": institution.tenant,
                    "name": institution.name,
                    "tokens": tokens,
                    "summary": summary,
                }
            )
        return listed


PROVIDER = Vec
