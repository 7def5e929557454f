"""Accredible's named outcomes (see core/scenarios.py), built with its own error functions."""

from __future__ import annotations

from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.scenarios import Scenario
from mockserver.providers.accredible import errors

SCENARIOS = [
    Scenario(
        "ethereum_blockchain",
        200,
        "Blockchain data of a credential recorded on Ethereum (Blockcerts v3 and a transaction)",
        applies_to=("GET /v2/credentials/{id}/blockchain_data",),
    ),
    Scenario(
        "unauthorized",
        401,
        "Rails' plain-text `HTTP Token: Access denied.`",
        lambda: ApiError(401, "unauthorized", errors.ACCESS_DENIED),
    ),
    Scenario(
        "private_certificate",
        403,
        "A private credential read without its key",
        lambda: errors.forbidden("Private Certificate, use key"),
    ),
    Scenario("not_found", 404, "`Doesn't exist`", errors.not_found),
    Scenario(
        "invalid_group", 422, "`Invalid Group`", lambda: errors.unprocessable(errors.INVALID_GROUP)
    ),
    Scenario(
        "no_recipient",
        422,
        "`Can not create credential without recipient data`",
        lambda: errors.unprocessable(errors.NO_RECIPIENT),
    ),
    Scenario(
        "duplicate_recipient",
        422,
        "The group allows one credential per email",
        lambda: ValidationFailed({"recipient.email": [errors.DUPLICATE_EMAIL]}),
    ),
    Scenario(
        "invalid_search_query",
        400,
        "A search the index refuses",
        lambda: errors.SearchQueryInvalid("Sort order increasing is not supported"),
    ),
    Scenario(
        "rate_limited",
        429,
        "Over 2000 requests in 5 minutes (`Retry later`)",
        lambda: ApiError(
            429, "too_many_requests", errors.RETRY_LATER, headers={"Retry-After": "30"}
        ),
    ),
    Scenario(
        "server_error",
        500,
        "`Internal server error`",
        lambda: ApiError(500, "server_error", errors.INTERNAL_ERROR),
    ),
    Scenario(
        "insufficient_credits",
        207,
        "The request runs with no credits left: credentials are created unpublished "
        "(v2 bulk: 207 with insufficient_credits items; v1 and single: approve false)",
        applies_to=(
            "POST /v1/credentials",
            "POST /v1/credentials/bulk_create",
            "POST /v2/credentials/bulk_create",
        ),
    ),
]
