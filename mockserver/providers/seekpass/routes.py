"""SEEK Pass's partner API paths; thin views that parse, call the model and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError

from mockserver.core.auth import basic_credentials, bearer_token
from mockserver.core.errors import ApiError, ValidationFailed, flatten_marshmallow
from mockserver.core.frameworks import rails
from mockserver.core.http import json_object_body, provider_base, public_base
from mockserver.core.routing import segment_except
from mockserver.providers.seekpass.models import SeekPassModel
from mockserver.providers.seekpass.schemas import (
    SINGLE_SCOPES,
    V1_SCHEMAS,
    V1_TYPES,
    V2_SINGLE_SCHEMAS,
    BatchSchema,
    StatusQuerySchema,
    V1BatchSchema,
    VerifyRequestSchema,
    WebhookCreateSchema,
    WebhookUpdateSchema,
    v1_batch_scopes,
)
from mockserver.providers.seekpass.submissions import Links, NewSubmission
from mockserver.providers.seekpass.tokens import Caller
from mockserver.providers.seekpass.user_pages import add_user_pages

PREFIX = "/seekpass"
# One instance each: marshmallow builds nested schemas per instance, and loading is
# thread-safe, so reusing them saves most of the validation time.
BATCH_SCHEMA = BatchSchema()
V1_BATCH_SCHEMA = V1BatchSchema()
STATUS_QUERY_SCHEMA = StatusQuerySchema()
VERIFY_SCHEMA = VerifyRequestSchema()
WEBHOOK_CREATE_SCHEMA = WebhookCreateSchema()
WEBHOOK_UPDATE_SCHEMA = WebhookUpdateSchema()


def _model() -> SeekPassModel:
    return current_app.extensions["mockserver"].providers["seekpass"].model


def _caller(*scopes: str) -> Caller:
    model = _model()
    caller = model.tokens.authenticate(bearer_token())
    model.tokens.require_scopes(caller, list(scopes))
    return caller


def _validate(schema: Schema, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise ValidationFailed(flatten_marshmallow(exc.messages)) from exc


def _links() -> Links:
    settings = current_app.extensions["mockserver"].settings
    return Links(provider_base(PREFIX), public_base(), settings.upload_url_expiry)


def _submit(caller: Caller, new: NewSubmission) -> tuple[Response, int]:
    body = _model().submissions.submit(caller, new, _links())
    return jsonify(body), 201


def _token_params() -> dict[str, Any]:
    """Token parameters from a form body (the documented way), a JSON body or the query."""
    if request.is_json:
        data = json_object_body()
        return {key: value if isinstance(value, str) else None for key, value in data.items()}
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        raise ApiError(
            400, "invalid_request", "The token request must be application/x-www-form-urlencoded"
        )
    # Rails' params: the form's fields with the query string's over them, a repeated name's
    # last value (Doorkeeper reads the token request from `params`).
    return {key: value for key, value in rails.params().items() if isinstance(value, str)}


def _add_v2_single(kind: str) -> Callable[[], tuple[Response, int]]:
    def view() -> tuple[Response, int]:
        caller = _caller()
        payload = json_object_body()
        _model().tokens.require_scopes(caller, [SINGLE_SCOPES[kind]])
        _validate(V2_SINGLE_SCHEMAS[kind], payload)
        return _submit(caller, _model().single_v2(kind, payload))

    return view


def _add_v1_single(kind: str) -> Callable[[], tuple[Response, int]]:
    def view() -> tuple[Response, int]:
        caller = _caller()
        payload = json_object_body()
        _model().tokens.require_scopes(caller, [SINGLE_SCOPES[kind]])
        _validate(V1_SCHEMAS[kind], payload)
        return _submit(caller, _model().single_v1(kind, payload))

    return view


def build_blueprint() -> Blueprint:
    blueprint = Blueprint("seekpass", __name__, template_folder="templates")
    # `GET /api/partner/v2/verify/requests/digital_identity.json` is a 405, not a request id.
    segment_except(blueprint, "verify_ref", "digital_identity")

    @blueprint.post("/api/partner/v1/oauth/token.json")
    def token() -> Response:
        params = _token_params()
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        basic = basic_credentials()
        if basic and not client_id:
            client_id, client_secret = basic
        body = _model().tokens.issue(
            params.get("grant_type"), client_id, client_secret, params.get("scope")
        )
        response = jsonify(body)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    # --- adding credentials ---------------------------------------------------------------

    @blueprint.post("/api/partner/v2/add/requests/batch.json")
    def add_batch_v2() -> tuple[Response, int]:
        caller = _caller()
        payload = json_object_body()
        model = _model()
        again = model.submissions.answer_again(
            caller, "v2/batch", payload.get("credential_id"), _links()
        )
        if again is not None:
            # A repost within 48 hours answers the original request whatever the new body
            # holds (FIDELITY.md, "Batch response and idempotency"): nothing to validate.
            return jsonify(again), 201
        model.tokens.require_scopes(caller, model.scopes_for_batch(payload))
        _validate(BATCH_SCHEMA, payload)
        return _submit(caller, model.batch_v2(payload))

    for kind in V2_SINGLE_SCHEMAS:
        blueprint.add_url_rule(
            f"/api/partner/v2/add/requests/{kind}.json",
            endpoint=f"add_v2_{kind}",
            view_func=_add_v2_single(kind),
            methods=["POST"],
        )

    @blueprint.post("/api/partner/v1/add/batch.json")
    def add_batch_v1() -> tuple[Response, int]:
        caller = _caller()
        payload = json_object_body()
        _model().tokens.require_scopes(caller, v1_batch_scopes(payload))
        _validate(V1_BATCH_SCHEMA, payload)
        return _submit(caller, _model().batch_v1(payload))

    for kind in V1_TYPES:
        blueprint.add_url_rule(
            f"/api/partner/v1/add/{kind}.json",
            endpoint=f"add_v1_{kind}",
            view_func=_add_v1_single(kind),
            methods=["POST"],
        )

    # --- status ---------------------------------------------------------------------------

    @blueprint.get("/api/partner/v1/submissions/<path:submission_id>/status.json")
    def submission_status(submission_id: str) -> Response:
        caller = _caller()
        status = _model().submissions.status_of(caller.tenant, submission_id)
        if status is None:
            raise ApiError(404, "not_found", f"No submission with id {submission_id!r}")
        return jsonify(status)

    @blueprint.post("/api/partner/v1/submissions/status.json")
    def submission_statuses() -> Response:
        caller = _caller()
        query = _validate(STATUS_QUERY_SCHEMA, json_object_body())
        return jsonify({"credentials": _model().submissions.statuses(caller.tenant, query["ids"])})

    # --- Verify with SEEK Pass ------------------------------------------------------------

    @blueprint.post("/api/partner/v2/verify/requests/digital_identity.json")
    def verify_request() -> tuple[Response, int]:
        caller = _caller("write.digital_identity")
        payload = _validate(VERIFY_SCHEMA, json_object_body())
        return _submit(caller, _model().verify(payload))

    @blueprint.get("/api/partner/v2/verify/requests/<verify_ref:request_id>.json")
    def verify_result(request_id: str) -> Response:
        caller = _caller("read.digital_identity")
        return jsonify(_model().verify_result(caller.tenant, request_id))

    # --- webhooks -------------------------------------------------------------------------

    @blueprint.post("/api/partner/v2/webhooks")
    def create_webhook() -> tuple[Response, int]:
        caller = _caller()
        data = _validate(WEBHOOK_CREATE_SCHEMA, json_object_body())
        return jsonify(_model().webhooks.create(caller.tenant, data)), 201

    @blueprint.get("/api/partner/v2/webhooks")
    def list_webhooks() -> Response:
        return jsonify(_model().webhooks.list(_caller().tenant))

    @blueprint.get("/api/partner/v2/webhooks/<webhook_id>")
    def get_webhook(webhook_id: str) -> Response:
        return jsonify(_model().webhooks.get(_caller().tenant, webhook_id))

    @blueprint.put("/api/partner/v2/webhooks/<webhook_id>")
    def update_webhook(webhook_id: str) -> Response:
        caller = _caller()
        data = _validate(WEBHOOK_UPDATE_SCHEMA, json_object_body())
        return jsonify(_model().webhooks.update(caller.tenant, webhook_id, data))

    @blueprint.put("/api/partner/v2/webhooks/<webhook_id>/secret")
    def rotate_webhook_secret(webhook_id: str) -> Response:
        return jsonify(_model().webhooks.rotate_secret(_caller().tenant, webhook_id))

    @blueprint.delete("/api/partner/v2/webhooks/<webhook_id>")
    def delete_webhook(webhook_id: str) -> tuple[str, int]:
        _model().webhooks.delete(_caller().tenant, webhook_id)
        return "", 204

    add_user_pages(blueprint)  # where the redirect_uri leads: the user's side, as pages
    return blueprint
