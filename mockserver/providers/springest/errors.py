"""Springest's error bodies, in the format the request asked for.

Springest documents the statuses (200, 400, 401, 403, 404, 500) but no error body. Its
partners' recorded answers show `{"error": "Forbidden"}` and, for invalid parameters,
`{"error": {"email": ["is required"]}}` (FIDELITY.md). The XML form is what Rails writes for
such a hash: `<hash><error>…</error></hash>`.
"""

from __future__ import annotations

from flask import Response

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.providers.springest.formats import requested_format, respond

STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}


def render(error: ApiError | ValidationFailed) -> Response:
    fmt = requested_format()
    if isinstance(error, ValidationFailed):
        return respond("hash", {"error": error.errors}, 400, fmt, json_root=False)
    status = error.status
    if status == 415:  # a body that is not multipart is a bad request here
        status = 400
    routing = error.code in ("not_found", "method_not_allowed", "request_entity_too_large")
    if status >= 500 or routing:
        message = STATUS_TEXT.get(status, "Error")
    else:
        message = error.message
    response = respond("hash", {"error": message}, status, fmt, json_root=False)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "Unauthorized")


def forbidden(message: str = "Forbidden") -> ApiError:
    return ApiError(403, "forbidden", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)
