"""Springest's certificate and certification paths, each with `.xml`, `.json` or no extension
(JSON), all authenticated by `?api_key=`; thin views over the model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import FileStorage

from mockserver.core.body_limits import allow_upload_body
from mockserver.core.errors import ValidationFailed
from mockserver.core.frameworks import rails
from mockserver.providers.springest import errors, presenters
from mockserver.providers.springest.accounts import CERTIFICATES, CERTIFICATIONS, Caller
from mockserver.providers.springest.certificates import MAX_FILE_BYTES
from mockserver.providers.springest.formats import respond
from mockserver.providers.springest.models import SpringestModel
from mockserver.providers.springest.schemas import REQUIRED, load_form_partly

SUFFIXES = ("", ".xml", ".json")
TEXT_FILE = "cannot be decoded: send the file itself as a file part, base64 is not allowed"


def model() -> SpringestModel:
    return current_app.extensions["mockserver"].providers["springest"].model


def _caller(kind: str) -> Caller:
    """Authenticate, count the request against the hourly cap, check the key's kind."""
    springest = model()
    caller = springest.accounts.authenticate()
    verdict = springest.request_limiter.hit(caller.key)
    if not verdict.allowed:
        raise errors.bad_request("Bad Request: at most 4000 requests per hour per API key")
    caller.require(kind)
    return caller


def list_certificates() -> Response:
    caller = _caller(CERTIFICATES)
    service = model().certificates
    found = service.visible(caller, _flat(rails.params()))
    return respond("certificates", [presenters.certificate(d, service.status_of(d)) for d in found])


def post_certificate() -> Response:
    allow_upload_body()  # before the key is looked for: it may be in the body with the file
    caller = _caller(CERTIFICATES)
    if request.mimetype != "multipart/form-data":
        raise errors.bad_request("Bad Request: send the certificate as multipart/form-data")
    form = _certificate_fields()
    upload = _last_file("file")
    data, problems = load_form_partly(form)
    service = model().certificates
    content = upload.read(MAX_FILE_BYTES + 1) if upload is not None else None
    if upload is None:
        # A `file` sent as a text field is the base64 (or path) the documents rule out.
        problems["file"] = [REQUIRED if "file" not in form else TEXT_FILE]
    if "certification_id" not in data:
        # Without a certification the key's rights cannot be checked: every problem found
        # so far (the form's and the file's) is the answer.
        problems.update({} if upload is None else service.check_file(content)[1])
        raise ValidationFailed(problems, status=400)
    filename = upload.filename if upload is not None else None
    doc = service.post(caller, data, filename or "certificate", content, problems)
    return respond("certificate", presenters.certificate(doc, service.status_of(doc)))


def _flat(params: dict[str, Any]) -> dict[str, str]:
    """Parameters that are plain text (a nested or repeated-array one is not a field here)."""
    return {key: value for key, value in params.items() if isinstance(value, str)}


def _certificate_fields() -> dict[str, str]:
    """The certificate's fields as a Rails controller finds them: in the body or the query
    string (merged, the query's over the body's, a repeated name's last value), at the top
    level or nested as `certificate[...]` (a form builder's naming)."""
    params = rails.params()
    nested = params.get("certificate")
    fields = _flat(nested) if isinstance(nested, dict) else {}
    fields.update(_flat(params))
    fields.pop("api_key", None)
    return fields


def _last_file(name: str) -> FileStorage | None:
    """The file part called `name` (or `certificate[name]`); the last one, as Rack keeps."""
    for candidate in (name, f"certificate[{name}]"):
        found = request.files.getlist(candidate)
        if found:
            return found[-1]
    return None


def list_certifications() -> Response:
    caller = _caller(CERTIFICATIONS)
    verified = model().certificates.verified_certifications(caller.tenant)
    return respond("certifications", [presenters.certification(c) for c in verified])


def build_blueprint() -> Blueprint:
    bp = Blueprint("springest", __name__)
    routes: list[tuple[str, str, Callable[[], Response]]] = [
        ("/users/certificates", "GET", list_certificates),
        ("/users/certificates", "POST", post_certificate),
        ("/certificates", "POST", post_certificate),  # the older article's path
        ("/certifications", "GET", list_certifications),
    ]
    for path, method, view in routes:
        for suffix in SUFFIXES:
            endpoint = (
                f"{method.lower()}_{path.strip('/').replace('/', '_')}{suffix.replace('.', '_')}"
            )
            bp.add_url_rule(path + suffix, endpoint, view, methods=[method])
    return bp
