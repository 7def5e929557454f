"""SEEK Pass's partner API paths; thin views that parse, call the model and render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError

from mockserver.core.auth import basic_credentials, bearer_token
from mockserver.core.errors import ApiError, ValidationFailed, flatten_marshmallow
from mockserver.core.http import json_object_body, provider_base, public_base
from mockserver.providers.seekpass.models import Caller, SeekPassModel
from mockserver.providers.seekpass.schemas import BatchSchema, StatusQuerySchema

PREFIX = "/seekpass"
# One instance each: marshmallow builds nested schemas per instance, and loading is
# thread-safe, so reusing them saves most of the validation time.
BATCH_SCHEMA = BatchSchema()
STATUS_QUERY_SCHEMA = StatusQuerySchema()


def _model() -> SeekPassModel:
    return current_app.extensions["mockserver"].providers["seekpass"].model


def _caller() -> Caller:
    return _model().authenticate(bearer_token())


def _validate(schema: Schema, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise ValidationFailed(flatten_marshmallow(exc.messages)) from exc


def _token_params() -> dict[str, Any]:
    """Token parameters from a form body (the documented way) or a JSON body."""
    if request.is_json:
        data = json_object_body()
        return {key: value if isinstance(value, str) else None for key, value in data.items()}
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        raise ApiError(
            400,
            "invalid_request",
            "The token request must be application/x-www-form-urlencoded",
        )
    return request.form.to_dict()


def build_blueprint() -> Blueprint:
    blueprint = Blueprint("seekpass", __name__)

    @blueprint.post("/api/partner/v1/oauth/token.json")
    def token() -> Response:
        params = _token_params()
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        basic = basic_credentials()
        if basic and not client_id:
            client_id, client_secret = basic
        body = _model().issue_token(
            params.get("grant_type"), client_id, client_secret, params.get("scope")
        )
        response = jsonify(body)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    @blueprint.post("/api/partner/v2/add/requests/batch.json")
    def add_batch() -> tuple[Response, int]:
        caller = _caller()
        payload = json_object_body()
        model = _model()
        model.require_scopes(caller, model.scopes_for_batch(payload))
        _validate(BATCH_SCHEMA, payload)
        settings = current_app.extensions["mockserver"].settings
        body = model.submit_batch(
            caller, payload, provider_base(PREFIX), public_base(), settings.upload_url_expiry
        )
        return jsonify(body), 201

    @blueprint.get("/api/partner/v1/submissions/<path:submission_id>/status.json")
    def submission_status(submission_id: str) -> Response:
        caller = _caller()
        status = _model().status_of(caller.tenant, submission_id)
        if status is None:
            raise ApiError(404, "not_found", f"No submission with id {submission_id!r}")
        return jsonify(status)

    @blueprint.post("/api/partner/v1/submissions/status.json")
    def submission_statuses() -> Response:
        caller = _caller()
        query = _validate(STATUS_QUERY_SCHEMA, json_object_body())
        return jsonify({"credentials": _model().statuses(caller.tenant, query["ids"])})

    return blueprint
