"""Springest's part of the control plane: the Springest employee who verifies certifications,
and the quotas."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockserver.core.http import choose_tenant, configure_quota, one_of, optional_json_object
from mockserver.providers.springest.accounts import Partner
from mockserver.providers.springest.routes import model


def _partner(tenant: str | None) -> Partner:
    return choose_tenant(model().accounts.partners, tenant, "Springest partner")


def build_control_blueprint() -> Blueprint:
    bp = Blueprint("springest_control", __name__)

    @bp.get("/certifications")
    def certifications() -> Response:
        service = model().certificates
        return jsonify(
            {
                partner.tenant: service.certifications(partner.tenant)
                for partner in model().accounts.partners.values()
            }
        )

    def _set(certification_id: int, verified: bool) -> Response:
        partner = _partner(optional_json_object().get("tenant"))
        doc = model().certificates.set_verified(partner.tenant, certification_id, verified)
        return jsonify({"tenant": partner.tenant, "certification": doc})

    @bp.post("/certifications/<int:certification_id>/verify")
    def verify(certification_id: int) -> Response:
        """Play the Springest employee: `{"tenant"?}` (default: the first partner)."""
        return _set(certification_id, True)

    @bp.post("/certifications/<int:certification_id>/unverify")
    def unverify(certification_id: int) -> Response:
        return _set(certification_id, False)

    @bp.get("/limits")
    def limits() -> Response:
        springest = model()
        return jsonify(
            {
                "certificate_posts": springest.post_limiter.quota.describe(),
                "requests": springest.request_limiter.quota.describe(),
            }
        )

    @bp.post("/limits")
    def set_limits() -> Response:
        """`{"scope": "certificate_posts"|"requests", "limit", "window_seconds"?,
        "period_seconds"?}`; the counts start again."""
        data = optional_json_object()
        springest = model()
        scope = one_of(
            data.get("scope", "certificate_posts"), ("certificate_posts", "requests"), "scope"
        )
        limiter = springest.request_limiter if scope == "requests" else springest.post_limiter
        return jsonify(configure_quota(limiter, data))

    return bp
