"""SEEK Pass's part of the control plane: see requests and play the user's side."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from mockserver.core.errors import ApiError
from mockserver.core.http import known_keys, one_of, optional_json_object
from mockserver.providers.seekpass.models import SeekPassModel


def _model() -> SeekPassModel:
    return current_app.extensions["mockserver"].providers["seekpass"].model


def build_control_blueprint() -> Blueprint:
    blueprint = Blueprint("seekpass_control", __name__)

    @blueprint.get("/requests")
    def requests_list() -> Response:
        model = _model()
        tenant = request.args.get("tenant")
        listed = model.submissions.all_requests([tenant] if tenant else model.tokens.tenants)
        return jsonify({"count": len(listed), "requests": listed})

    @blueprint.post("/requests/<request_id>/complete")
    def complete(request_id: str) -> Response:
        """{"outcome": "verified" | "canceled", "credential": {...}} (default verified).

        For a verify request, `credential` overrides fields of the verified identity that the
        result API returns (defaults from the fixtures' `verified_identity`).
        """
        data = optional_json_object()
        known_keys(data, ("outcome", "credential"))
        credential = data.get("credential")
        if credential is not None and not isinstance(credential, dict):
            raise ApiError(400, "bad_request", "credential must be an object of identity fields")
        outcome = one_of(data.get("outcome", "verified"), ("verified", "canceled"), "outcome")
        return jsonify(_model().complete(request_id, outcome, credential))

    return blueprint
