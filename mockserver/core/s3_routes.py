"""The embedded S3 endpoint clients upload to: `/_s3/<bucket>/<key>` on the API's port.

It answers as S3 does, in S3's XML, and enforces what moto does not: SigV4 signature and
expiry on the mock clock, the signed Content-Type, a Content-Length and the size limit.
Only a request that passes every check reaches moto.
"""

from __future__ import annotations

from tempfile import SpooledTemporaryFile
from typing import BinaryIO
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from mockserver.core import sigv4
from mockserver.core.framing_errors import sent_chunked
from mockserver.core.ids import ids
from mockserver.core.runtime import Runtime
from mockserver.core.scenarios import Scenario
from mockserver.core.sigv4 import S3Error

S3_SCENARIOS = [
    Scenario(
        "upload_link_expired",
        403,
        "A presigned link used after its expiry",
        lambda: S3Error(
            403,
            "AccessDenied",
            "Request has expired",
            {"Expires": "2026-01-01T00:00:00Z", "ServerTime": "2026-01-01T01:00:00Z"},
        ),
        applies_to=("PUT/GET /...",),
    ),
    Scenario(
        "signature_mismatch",
        403,
        "A tampered or wrongly signed link",
        lambda: S3Error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature "
            "you provided. Check your key and signing method.",
        ),
        applies_to=("PUT/GET /...",),
    ),
    Scenario(
        "entity_too_large",
        400,
        "An upload over the size limit",
        lambda: S3Error(
            400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
        ),
        applies_to=("PUT /...",),
    ),
    Scenario(
        "no_such_key",
        404,
        "A download of an object that is not there",
        lambda: S3Error(404, "NoSuchKey", "The specified key does not exist."),
        applies_to=("GET /...",),
    ),
]


def s3_error_response(error: S3Error) -> Response:
    request_id = ids.hex(8).upper()
    extra = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in error.extra.items())
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{error.code}</Code><Message>{escape(error.message)}</Message>"
        f"{extra}<RequestId>{request_id}</RequestId><HostId>mockserver</HostId></Error>"
    )
    response = Response(body, status=error.status, mimetype="application/xml")
    response.headers["x-amz-request-id"] = request_id
    return response


def s3_http_error(exc: HTTPException) -> Response:
    codes = {404: "NoSuchKey", 405: "MethodNotAllowed", 413: "EntityTooLarge"}
    code = codes.get(exc.code or 500, "InternalError")
    status = 400 if exc.code == 413 else exc.code or 500  # S3 answers EntityTooLarge as a 400
    return s3_error_response(S3Error(status, code, exc.description or code))


SPOOL_IN_MEMORY = 1024 * 1024


def _spool(stream: BinaryIO, length: int) -> SpooledTemporaryFile:
    """Copy the body to a temporary file in chunks: a large upload never sits whole in RAM."""
    spool = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(remaining, SPOOL_IN_MEMORY))
        if not chunk:
            spool.close()
            raise S3Error(
                400,
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length "
                "HTTP header",
            )
        spool.write(chunk)
        remaining -= len(chunk)
    spool.seek(0)
    return spool


def _runtime() -> Runtime:
    return current_app.extensions["mockserver"]


def _verify(bucket: str) -> None:
    runtime = _runtime()
    if bucket != runtime.storage.bucket:
        raise S3Error(
            404, "NoSuchBucket", "The specified bucket does not exist", {"BucketName": bucket}
        )
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers["host"] = request.host
    sigv4.verify(
        request.method,
        request.root_path + request.path,
        request.query_string.decode("latin-1"),
        headers,
        runtime.storage.secret_for,
        runtime.clock.now(),
    )


def s3_blueprint() -> Blueprint:
    blueprint = Blueprint("s3", __name__)
    CORS(
        blueprint,
        origins="*",
        methods=["GET", "HEAD", "PUT", "OPTIONS"],
        allow_headers="*",
        expose_headers=["ETag", "x-amz-request-id"],
        max_age=3000,
    )

    @blueprint.errorhandler(S3Error)
    def _s3_error(error: S3Error) -> Response:
        return s3_error_response(error)

    @blueprint.route("/<bucket>/<path:key>", methods=["PUT"])
    def put_object(bucket: str, key: str) -> Response:
        if sent_chunked(request.environ):
            # S3 takes no chunked body on a plain PUT (only aws-chunked, signed per chunk).
            raise S3Error(
                501,
                "NotImplemented",
                "A header you provided implies functionality that is not implemented",
                {"Header": "Transfer-Encoding"},
            )
        _verify(bucket)
        runtime = _runtime()
        if runtime.uploads.is_closed(key):
            # The provider withdrew the link (a canceled SEEK Pass request): S3 refuses a
            # signer that may no longer write there with a plain AccessDenied.
            raise S3Error(403, "AccessDenied", "Access Denied")
        length = request.content_length
        if length is None:
            raise S3Error(
                411, "MissingContentLength", "You must provide the Content-Length HTTP header."
            )
        limit = runtime.settings.max_upload_bytes
        if length > limit:
            raise S3Error(
                400,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size",
                {"ProposedSize": str(length), "MaxSizeAllowed": str(limit)},
            )
        request.max_content_length = limit  # uploads have their own limit, not the API's
        body = _spool(request.stream, length)
        content_type = request.headers.get("Content-Type", "binary/octet-stream")
        with body:
            stored = runtime.storage.put(key, body, content_type)
        runtime.uploads.received(key, stored.size, content_type, stored.etag)
        response = Response(status=200)
        del response.headers["Content-Type"]  # S3 sends no body and no type on a PUT
        response.headers["ETag"] = stored.etag
        return response

    @blueprint.route("/<bucket>/<path:key>", methods=["GET", "HEAD"])
    def get_object(bucket: str, key: str) -> Response:
        _verify(bucket)
        runtime = _runtime()
        found = runtime.storage.head(key)
        if found is None:
            raise S3Error(404, "NoSuchKey", "The specified key does not exist.", {"Key": key})
        body = b"" if request.method == "HEAD" else (runtime.storage.get(key) or b"")
        response = Response(body, status=200, content_type=found.content_type)
        response.headers["ETag"] = found.etag
        response.headers["Content-Length"] = str(found.size)
        return response

    return blueprint
