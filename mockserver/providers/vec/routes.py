"""VEC business API paths; thin views that parse, call the model and render."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.datastructures import FileStorage

from mockserver.core import strict_json
from mockserver.core.auth import bearer_token
from mockserver.core.body_limits import allow_upload_body
from mockserver.core.frameworks import laravel
from mockserver.core.http import provider_base, public_base
from mockserver.core.routing import segment_except
from mockserver.providers.vec import presenters
from mockserver.providers.vec.accounts import Caller
from mockserver.providers.vec.errors import BulkValidationFailed
from mockserver.providers.vec.models import VecModel
from mockserver.providers.vec.pagination import paginate
from mockserver.providers.vec.schemas import MAX_FILE_KILOBYTES

PREFIX = "/vec"
LINK_SECONDS = 3600


def _model() -> VecModel:
    return current_app.extensions["mockserver"].providers["vec"].model


def _caller(permission: str) -> Caller:
    caller = _model().accounts.authenticate(bearer_token())
    caller.require(permission)
    return caller


def _link(key: str) -> str:
    model = _model()
    return model.storage.presign_get(key, public_base(), model.clock.now(), LINK_SECONDS)


def _multipart() -> tuple[dict[str, str], dict[str, FileStorage]]:
    """Form fields and files; uploads may be up to 20 MB, above the API's JSON body limit."""
    allow_upload_body()
    form = _fields()
    # A repeated file part: the last one, as PHP keeps for a plain name.
    files = {k: request.files.getlist(k)[-1] for k in request.files if isinstance(k, str)}
    return form, files


def _fields() -> dict[str, str]:
    """Plain-text input fields as Laravel's `$request->input()` gives them: the body's over
    the query string's, a repeated name's last value (core/frameworks/laravel.py)."""
    return {key: value for key, value in laravel.input().items() if isinstance(value, str)}


def _file(files: dict[str, FileStorage], name: str) -> tuple[str | None, bytes | None]:
    found = files.get(name)
    if found is None:
        return None, None
    return found.filename, found.read(MAX_FILE_KILOBYTES * 1024 + 1)


def _page(
    items: list[Any], params: dict[str, Any], path: str, total: int | None = None
) -> dict[str, Any]:
    """Laravel's paginator over `items`: all of the list, or (with `total`) its page alone."""
    query = {key: value for key, value in request.args.items() if key != "page"}
    return paginate(
        items,
        params.get("page") or 1,
        params.get("per_page") or 15,
        provider_base(PREFIX) + path,
        query,
        total=total,
    )


def build_blueprint() -> Blueprint:
    blueprint = Blueprint("vec", __name__)
    # `GET /business/certificate-vault/bulk` is a 405, not a certificate called "bulk".
    segment_except(blueprint, "vault_ref", "bulk", "upload-file")

    # --- certificate vault ----------------------------------------------------------------

    @blueprint.post("/business/certificate-vault/upload-file")
    def upload_file() -> tuple[Response, int]:
        caller = _caller("certificate-vault:create")
        _form, files = _multipart()
        data = _model().vault.upload_file(caller, *_file(files, "file"))
        return jsonify({"message": "File uploaded successfully", "data": data}), 201

    @blueprint.post("/business/certificate-vault/bulk")
    def bulk() -> tuple[Response, int]:
        caller = _caller("certificate-vault:create")
        payload: dict[str, Any] = {}
        if request.is_json:
            try:
                payload = strict_json.loads(request.get_data(as_text=True) or "{}")
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
                raise BulkValidationFailed(
                    "The request body is not valid JSON.", [f"The request body: {exc}"]
                ) from exc
            if not isinstance(payload, dict):
                payload = {}
        data = _model().vault.bulk(caller, payload)
        return jsonify({"message": "Bulk vault upload queued for processing", "data": data}), 202

    @blueprint.post("/business/certificate-vault")
    def create_single() -> tuple[Response, int]:
        caller = _caller("certificate-vault:create")
        form, files = _multipart()
        record = _model().vault.single(caller, form, *_file(files, "certificate_file"))
        detail = presenters.vault_detail(record, caller.institution, _link)
        return jsonify({"message": "Vault certificate uploaded successfully", "data": detail}), 201

    @blueprint.get("/business/certificate-vault")
    def list_vault() -> Response:
        caller = _caller("certificate-vault:list")
        records, total, params = _model().vault.page(caller, _fields())
        items = [presenters.vault_item(record) for record in records]
        return jsonify(_page(items, params, "/business/certificate-vault", total))

    @blueprint.get("/business/certificate-vault/<vault_ref:certificate_uuid>")
    def get_vault(certificate_uuid: str) -> Response:
        caller = _caller("certificate-vault:view")
        record = _model().vault.get(caller, certificate_uuid)
        return jsonify({"data": presenters.vault_detail(record, caller.institution, _link)})

    @blueprint.post("/business/certificate-vault/<vault_ref:certificate_uuid>/retry")
    def retry_vault(certificate_uuid: str) -> Response:
        caller = _caller("certificate-vault:update")
        record = _model().vault.retry(caller, certificate_uuid)
        detail = presenters.vault_detail(record, caller.institution, _link)
        return jsonify({"message": "Vault certificate retry initiated", "data": detail})

    @blueprint.get("/business/certificate-vault/<vault_ref:certificate_uuid>/download")
    def download_vault(certificate_uuid: str) -> Response:
        caller = _caller("certificate-vault:download")
        data, filename = _model().vault.verified_pdf(caller, certificate_uuid)
        response = Response(data, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- templates, batches, certificates -------------------------------------------------

    @blueprint.get("/business/certificate-templates")
    def list_templates() -> Response:
        caller = _caller("templates:view")
        entries, params = _model().batches.templates(caller, _fields())
        items = [presenters.template(entry, caller.institution) for entry in entries]
        return jsonify(_page(items, params, "/business/certificate-templates"))

    @blueprint.post("/business/batches")
    def create_batch() -> tuple[Response, int]:
        caller = _caller("batches:create")
        form, files = _multipart()
        batches = _model().batches
        batch = batches.create(caller, form, *_file(files, "csv_file"))
        counts = batches.counts(caller.tenant, batch["id"])
        return jsonify({"data": presenters.batch(batch, counts)}), 201

    @blueprint.get("/business/batches")
    def list_batches() -> Response:
        caller = _caller("batches:view")
        batches = _model().batches
        found, total, params = batches.page(caller, _fields())
        items = [presenters.batch(b, batches.counts(caller.tenant, b["id"])) for b in found]
        return jsonify(_page(items, params, "/business/batches", total))

    @blueprint.get("/business/batches/<batch_id>")
    def get_batch(batch_id: str) -> Response:
        caller = _caller("batches:view")
        batches = _model().batches
        batch = batches.get(caller, batch_id)
        return jsonify({"data": presenters.batch(batch, batches.counts(caller.tenant, batch_id))})

    @blueprint.get("/business/certificates")
    def list_certificates() -> Response:
        caller = _caller("certificates:view")
        found, total, params = _model().batches.certificates(caller, _fields())
        items = [presenters.certificate(c, _link) for c in found]
        return jsonify(_page(items, params, "/business/certificates", total))

    @blueprint.get("/business/certificates/<certificate_id>")
    def get_certificate(certificate_id: str) -> Response:
        caller = _caller("certificates:view")
        found = _model().batches.certificate(caller, certificate_id)
        return jsonify({"data": presenters.certificate(found, _link)})

    return blueprint
