"""VEC's named outcomes (see core/scenarios.py), built with its own error functions."""

from __future__ import annotations

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.scenarios import Scenario
from mockserver.providers.vec import errors

SCENARIOS = [
    Scenario(
        "unauthorized",
        401,
        "A missing or unknown API token",
        lambda: ApiError(401, "unauthorized", errors.UNAUTHORIZED),
    ),
    Scenario(
        "forbidden",
        403,
        "A token without the operation's permission",
        lambda: errors.forbidden("certificate-vault:create"),
    ),
    Scenario(
        "not_found",
        404,
        "An unknown certificate, batch or template",
        lambda: errors.not_found("CertificateVault", "unknown"),
    ),
    Scenario(
        "validation_failed",
        422,
        "A body that breaks a field rule (Laravel's 422)",
        lambda: ValidationFailed({"full_name": ["The full name field is required."]}),
    ),
    Scenario(
        "payload_too_large",
        413,
        "An upload or body over the size limit",
        lambda: ApiError(413, "payload_too_large", "The request entity is too large."),
    ),
    Scenario(
        "server_error",
        500,
        "VEC's SERVER_ERROR",
        lambda: ApiError(500, "server_error", errors.SERVER_ERROR),
    ),
]
