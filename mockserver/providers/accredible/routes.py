"""The Accredible blueprint: every request is counted against the per-address rate limit
(before authentication, as Rack middleware counts it), then routed to its view."""

from __future__ import annotations

from flask import Blueprint, request

from mockserver.core.errors import ApiError
from mockserver.providers.accredible import (
    errors,
    routes_account,
    routes_credentials,
    routes_public,
)
from mockserver.providers.accredible.web import model


def build_blueprint() -> Blueprint:
    bp = Blueprint("accredible", __name__)

    @bp.before_request
    def rate_limit() -> None:
        verdict = model().limiter.hit(request.remote_addr or "unknown")
        if not verdict.allowed:
            raise ApiError(
                429,
                "too_many_requests",
                errors.RETRY_LATER,
                headers={"Retry-After": str(verdict.retry_after)},
            )

    routes_credentials.register(bp)
    routes_account.register(bp)
    routes_public.register(bp)
    return bp
