"""SEEK Pass's named outcomes (see core/scenarios.py), built with its own error functions."""

from __future__ import annotations

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.scenarios import Scenario
from mockserver.providers.seekpass import errors

SCENARIOS = [
    Scenario(
        "invalid_client",
        401,
        "Token request with unknown client credentials",
        lambda: ApiError(401, "invalid_client", errors.INVALID_CLIENT),
        applies_to=("POST /api/partner/v1/oauth/token.json",),
    ),
    Scenario(
        "invalid_token",
        401,
        "An access token SEEK Pass does not accept",
        lambda: errors.invalid_token("The access token is invalid"),
    ),
    Scenario(
        "token_expired",
        401,
        "An access token past its expiry",
        lambda: errors.invalid_token("The access token expired"),
    ),
    Scenario(
        "insufficient_scope",
        403,
        "A token without the operation's scope",
        lambda: errors.insufficient_scope(["write.education"]),
    ),
    Scenario(
        "not_found",
        404,
        "An unknown submission, request or webhook",
        lambda: errors.not_found("No submission with id 'unknown'"),
    ),
    Scenario(
        "concurrent_submission",
        409,
        "The same id submitted by two requests at once",
        lambda: ApiError(409, "conflict", "id 'b-1' is being submitted concurrently"),
    ),
    Scenario(
        "validation_failed",
        422,
        "A body that breaks a field rule",
        lambda: ValidationFailed({"credentials[0].name": ["is required"]}),
    ),
    Scenario(
        "invalid_request",
        400,
        "A token request without grant_type (RFC 6749 invalid_request)",
        lambda: ApiError(400, "invalid_request", "Missing required parameter: grant_type."),
    ),
    Scenario(
        "payload_too_large",
        413,
        "A body over the API's size limit",
        lambda: ApiError(413, "payload_too_large", "The request body is too large"),
    ),
    Scenario(
        "unsupported_media_type",
        415,
        "A body that is not JSON",
        lambda: ApiError(415, "unsupported_media_type", "Content-Type must be application/json"),
    ),
    Scenario(
        "server_error",
        500,
        "SEEK Pass's own failure",
        lambda: ApiError(500, "server_error", "The server encountered an error"),
    ),
]
