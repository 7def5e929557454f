"""VEC's error envelopes (Laravel): `{"message": …}` with extras per status.

- 401 `{"message": "Unauthorized - Invalid API token"}`
- 403 `{"message": "Forbidden - Insufficient permissions", "required_permission": …}`
- 422 `{"message": "<first error> (and N more errors)", "errors": {field: [...]}}`, except
  bulk upload, whose `errors` is a list of strings (`ValidationFailed` with `as_list`).
- 500 `{"message": "An unexpected error occurred. Our team has been notified.",
  "error_code": "SERVER_ERROR"}`
"""

from __future__ import annotations

from flask import Response, jsonify

from mockserver.core.errors import ApiError, ValidationFailed

UNAUTHORIZED = "Unauthorized - Invalid API token"
FORBIDDEN = "Forbidden - Insufficient permissions"
SERVER_ERROR = "An unexpected error occurred. Our team has been notified."


class BulkValidationFailed(ValidationFailed):
    """Bulk upload's 422: `errors` is a list of "Entry i: …" strings, as VEC documents it."""

    def __init__(self, message: str, entries: list[str]) -> None:
        super().__init__({"": entries})
        self.message = message
        self.entries = entries


def laravel_summary(errors: dict[str, list[str]]) -> str:
    first = next(iter(errors.values()))[0]
    more = sum(len(found) for found in errors.values()) - 1
    return f"{first} (and {more} more error{'s' if more != 1 else ''})" if more else first


def render(error: ApiError | ValidationFailed) -> Response:
    if isinstance(error, BulkValidationFailed):
        body: dict = {"message": error.message, "errors": error.entries}
        status = 422
    elif isinstance(error, ValidationFailed):
        body = {"message": laravel_summary(error.errors), "errors": error.errors}
        status = error.status
    elif error.status == 401:
        body, status = {"message": UNAUTHORIZED}, 401
    elif error.status >= 500:
        body, status = {"message": SERVER_ERROR, "error_code": "SERVER_ERROR"}, error.status
    else:
        body, status = {"message": error.message, **error.extra}, error.status
    response = jsonify(body)
    response.status_code = status
    for name, value in error.headers.items() if isinstance(error, ApiError) else ():
        response.headers[name] = value
    return response


def forbidden(permission: str) -> ApiError:
    return ApiError(403, "forbidden", FORBIDDEN, extra={"required_permission": permission})


def not_found(model: str, key: str) -> ApiError:
    """Laravel's answer when route-model binding finds nothing."""
    return ApiError(404, "not_found", f"No query results for model [App\\Models\\{model}] {key}")
