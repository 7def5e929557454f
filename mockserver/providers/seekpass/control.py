"""SEEK Pass's part of the control plane: see requests and play the user's side."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from mockserver.providers.seekpass.models import SeekPassModel


def _model() -> SeekPassModel:
    return current_app.extensions["mockserver"].providers["seekpass"].model


def build_control_blueprint() -> Blueprint:
    blueprint = Blueprint("seekpass_control", __name__)

    @blueprint.get("/requests")
    def requests_list() -> Response:
        listed = _model().all_requests(request.args.get("tenant"))
        return jsonify({"count": len(listed), "requests": listed})

    @blueprint.post("/requests/<request_id>/complete")
    def complete(request_id: str) -> Response:
        """Body {"outcome": "verified" | "canceled"} (default verified)."""
        data = request.get_json(silent=True) or {}
        outcome = data.get("outcome", "verified") if isinstance(data, dict) else "verified"
        return jsonify(_model().complete(request_id, outcome))

    return blueprint
