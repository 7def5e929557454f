"""VEC.digital business API (certificate vault and template batches), mounted at /vec."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.provider import Provider
from mockserver.core.runtime import Runtime
from mockserver.providers.vec import errors
from mockserver.providers.vec.control import build_control_blueprint
from mockserver.providers.vec.models import VecModel
from mockserver.providers.vec.routes import build_blueprint


class Vec(Provider):
    name = "vec"
    title = "VEC"
    order = 20

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.model = VecModel(runtime.store, runtime.clock, runtime.storage, runtime.webhooks)

    def blueprint(self) -> Blueprint:
        return build_blueprint()

    def control_blueprint(self) -> Blueprint:
        return build_control_blueprint()

    def render_error(self, error: ApiError | ValidationFailed) -> Response:
        return errors.render(error)

    def load_fixtures(self, data: dict[str, Any]) -> None:
        super().load_fixtures(data)
        self.model.load_fixtures(self.fixtures, self.tenant_id)

    def tick(self) -> None:
        self.model.tick()

    def on_reset(self) -> None:
        self.model.reload()

    def tenants(self) -> list[dict[str, Any]]:
        listed = []
        for institution in self.model.accounts.institutions.values():
            tokens = [
                {"token": token, "permissions": sorted(permissions)}
                for token, (tenant, permissions) in self.model.accounts.tokens.items()
                if tenant == institution.tenant
            ]
            listed.append(
                {"tenant": institution.tenant, "name": institution.name, "tokens": tokens}
            )
        return listed


PROVIDER = Vec
