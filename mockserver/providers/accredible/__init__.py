"""Accredible Credential API (credentials, groups, designs and the rest), mounted at
/accredible."""

from __future__ import annotations

from typing import Any

from flask import request

from mockserver.core.frameworks.rails import RAILS_WITH_FORMAT
from mockserver.core.panels import Panel
from mockserver.core.provider import Provider, credentials_by_tenant
from mockserver.core.runtime import Runtime
from mockserver.providers.accredible import dashboard, errors
from mockserver.providers.accredible.accounts import api_key_from_header
from mockserver.providers.accredible.control import build_control_blueprint
from mockserver.providers.accredible.fixtures import AccredibleFixtures
from mockserver.providers.accredible.models import AccredibleModel
from mockserver.providers.accredible.routes import build_blueprint
from mockserver.providers.accredible.scenarios import SCENARIOS


class Accredible(Provider):
    name = "accredible"
    framework = RAILS_WITH_FORMAT
    title = "Accredible"
    order = 30
    build_blueprint = staticmethod(build_blueprint)
    build_control_blueprint = staticmethod(build_control_blueprint)
    render = staticmethod(errors.render)
    scenarios = SCENARIOS
    state_labels = {"account": "credit balances"}
    fixture_schema = AccredibleFixtures
    issued_kinds = {"credentials": "credential", "groups": "group", "data_exports": "data_export"}

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.model = AccredibleModel(runtime.store, runtime.clock, runtime.storage, runtime.limiter)

    def request_tenant(self) -> str | None:
        key = api_key_from_header(request.headers.get("Authorization", ""))
        found = self.model.accounts.keys.get(key or "")
        return found[0] if found else None

    def dashboard_panel(self) -> list[Panel]:
        return dashboard.panels(self.model)

    def tenants(self) -> list[dict[str, Any]]:
        listed = []
        grouped = credentials_by_tenant(self.model.accounts.keys)
        for account in self.model.accounts.by_tenant.values():
            keys = [
                {"key": key, "department_id": department}
                for key, (_tenant, department) in grouped.get(account.tenant, [])
            ]
            summary = "; ".join(
                f"Authorization: Token token={k['key']}"
                + (f" (department {k['department_id']} only)" if k["department_id"] else "")
                for k in keys
            )
            listed.append(
                {
                    "tenant": account.tenant,
                    "name": account.issuer.get("name"),
                    "sandbox_mode": account.sandbox_mode,
                    "api_keys": keys,
                    "summary": summary,
                }
            )
        return listed


PROVIDER = Accredible
