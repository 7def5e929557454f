"""The Accredible blueprint: every request is counted against the per-address rate limit
(before authentication, as Rack middleware counts it), then routed to its view."""

from __future__ import annotations

from flask import Blueprint

from mockserver.core.routing import segment_except
from mockserver.providers.accredible import (
    routes_account,
    routes_credentials,
    routes_public,
)
from mockserver.providers.accredible.web import enforce, model


def build_blueprint() -> Blueprint:
    bp = Blueprint("accredible", __name__)
    # `PUT /v1/credentials/search` is a 405, not an update of a credential called "search".
    segment_except(bp, "credential_ref", "search", "bulk_create", "generate_pdf")

    @bp.before_request
    def rate_limit() -> None:
        enforce(model().limiter)

    routes_credentials.register(bp)
    routes_account.register(bp)
    routes_public.register(bp)
    return bp
