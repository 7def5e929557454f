"""Accredible's error bodies, which are not uniform (the OpenAPI document's "Errors" section):

- 401: plain text `HTTP Token: Access denied.` (Rails' token authentication)
- 400 search: `{"code": 400, "message": …, "status": "invalid_search_query", "errors": {}}`
- 403, 404, 422 and 500: `{"errors": "<sentence>"}`; model validation 422s
  `{"errors": {"<field>": ["can't be blank"]}}`; an unknown route `{"error": "Not found"}`
- 429: Rails rack-attack's plain-text `Retry later` (the documents give no body; inferred)

Every shape is chosen here and nowhere else; FIDELITY.md gives the source of each.
"""

from __future__ import annotations

from flask import Response, jsonify

from mockserver.core.errors import ApiError, ValidationFailed

ACCESS_DENIED = "HTTP Token: Access denied.\n"  # Rails ends it with a newline
DOES_NOT_EXIST = "Doesn't exist"
INTERNAL_ERROR = "Internal server error"
RETRY_LATER = "Retry later\n"  # rack-attack's default body
INVALID_GROUP = "Invalid Group"
NO_RECIPIENT = "Can not create credential without recipient data"
DUPLICATE_EMAIL = (
    "has already been taken. Your group settings do not allow duplicates of this credential "
    "to be sent to the same email."
)


class SearchQueryInvalid(ApiError):
    """A search body the search engine refuses (400 `invalid_search_query`)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, "invalid_search_query", message)


def _text(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain")


def render(error: ApiError | ValidationFailed) -> Response:
    if isinstance(error, ValidationFailed):
        response = jsonify({"errors": error.errors})
        response.status_code = error.status
        return response
    status = error.status
    if status == 401:
        response = _text(ACCESS_DENIED, 401)
        response.headers["WWW-Authenticate"] = 'Token realm="Application"'
    elif status == 429:
        response = _text(RETRY_LATER, 429)
    elif error.code == "invalid_search_query":
        response = jsonify(
            {"code": 400, "message": error.message, "status": "invalid_search_query", "errors": {}}
        )
        response.status_code = 400
    elif error.code == "not_found":  # no such route (the router's 404)
        response = jsonify({"error": "Not found"})
        response.status_code = 404
    else:
        if status == 415:  # Rails would parse any body as params; a non-JSON body is a bad request
            status = 400
        message = INTERNAL_ERROR if status >= 500 else error.message
        response = jsonify({"errors": message})
        response.status_code = status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def not_found() -> ApiError:
    return ApiError(404, "does_not_exist", DOES_NOT_EXIST)


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def unprocessable(message: str) -> ApiError:
    return ApiError(422, "unprocessable", message)
