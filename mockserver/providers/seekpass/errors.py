"""SEEK Pass's error envelope.

SEEK Pass publishes no error body. Its OAuth endpoint follows RFC 6749 and its code samples are
Ruby on Rails (a Doorkeeper-style token endpoint), so every error here is the OAuth pair
`{"error": code, "error_description": sentence}`; validation failures add `errors`, a map of
field path to broken rules, the Rails convention. FIDELITY.md records this choice.
"""

from __future__ import annotations

from flask import Response, jsonify

from mockserver.core.errors import ApiError, ValidationFailed

INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
INSUFFICIENT_SCOPE = "The request requires higher privileges than provided by the access token."


def render(error: ApiError | ValidationFailed) -> Response:
    if isinstance(error, ValidationFailed):
        response = jsonify(
            {
                "error": "validation_failed",
                "error_description": error.summary(),
                "errors": error.errors,
            }
        )
        response.status_code = error.status
        return response
    body = {"error": error.code, "error_description": error.message, **error.extra}
    response = jsonify(body)
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def invalid_token(description: str) -> ApiError:
    return ApiError(
        401,
        "invalid_token",
        description,
        headers={
            "WWW-Authenticate": (
                'Bearer realm="SEEK Pass", error="invalid_token", '
                f'error_description="{description}"'
            )
        },
    )


def insufficient_scope(missing: list[str]) -> ApiError:
    needed = " ".join(missing)
    return ApiError(
        403,
        "insufficient_scope",
        f"{INSUFFICIENT_SCOPE} Missing scope: {needed}",
        headers={
            "WWW-Authenticate": (
                f'Bearer realm="SEEK Pass", error="insufficient_scope", scope="{needed}"'
            )
        },
        extra={"missing_scopes": missing},
    )


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", what)
