"""Springest's named outcomes (see core/scenarios.py), built with its own error functions."""

from __future__ import annotations

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.scenarios import Scenario
from mockserver.providers.springest import errors

SCENARIOS = [
    Scenario("unauthorized", 401, "A missing or unknown api_key", errors.unauthorized),
    Scenario("forbidden", 403, "A key without the privilege", errors.forbidden),
    Scenario(
        "not_found", 404, "An unknown resource", lambda: ApiError(404, "not_found", "Not Found")
    ),
    Scenario(
        "bad_request",
        400,
        "A bad parameter",
        lambda: ValidationFailed({"email": ["should be an email address"]}, status=400),
    ),
    Scenario(
        "certificate_quota_exceeded",
        400,
        "The 31st certificate post within a minute",
        lambda: errors.bad_request("Bad Request: at most 30 certificates can be posted per minute"),
    ),
    Scenario(
        "hourly_cap_exceeded",
        400,
        "Over 4000 requests in an hour",
        lambda: errors.bad_request("Bad Request: at most 4000 requests per hour per API key"),
    ),
    Scenario(
        "server_error",
        500,
        "Springest's own failure",
        lambda: ApiError(500, "server_error", "Internal Server Error"),
    ),
    Scenario(
        "unverified_certification",
        200,
        "The request sees every certification as not yet verified: GET lists no "
        "certificates and no certifications",
        applies_to=("GET /users/certificates", "GET /certificates", "GET /certifications"),
    ),
]
