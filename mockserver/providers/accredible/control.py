"""Accredible's part of the control plane: credit balances, the rate limit, and finishing
data exports at once."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockserver.core.errors import ApiError
from mockserver.core.http import (
    choose_tenant,
    configure_quota,
    known_keys,
    one_of,
    optional_json_object,
)
from mockserver.providers.accredible.accounts import Account
from mockserver.providers.accredible.web import model


def _account(tenant: str | None) -> Account:
    return choose_tenant(model().accounts.by_tenant, tenant, "Accredible account")


MAX = 1_000_000_000  # a credit balance, at most


def build_control_blueprint() -> Blueprint:
    bp = Blueprint("accredible_control", __name__)

    @bp.get("/credits")
    def credits() -> Response:
        return jsonify(
            {
                account.tenant: model().credits.balance(account)
                for account in model().accounts.by_tenant.values()
            }
        )

    @bp.post("/credits")
    def set_credits() -> Response:
        """`{"tenant": "accredible:demo-academy", "balance": 20}` (tenant: first account)."""
        data = optional_json_object()
        known_keys(data, ("tenant", "balance"))
        balance = data.get("balance")
        if isinstance(balance, bool) or not isinstance(balance, int) or not 0 <= balance <= MAX:
            raise ApiError(400, "bad_request", f"balance must be a whole number from 0 to {MAX}")
        account = _account(data.get("tenant"))
        model().credits.set(account, balance)
        return jsonify({"tenant": account.tenant, "balance": balance})

    @bp.get("/rate_limit")
    def rate_limit() -> Response:
        return jsonify(
            {
                "all": model().limiter.quota.describe(),
                "search_v1": model().search_v1_limiter.quota.describe(),
            }
        )

    @bp.post("/rate_limit")
    def set_rate_limit() -> Response:
        """`{"limit": 5, "window_seconds": 60, "period_seconds": 30, "scope": "all"}`; the
        counts start again."""
        data = optional_json_object()
        scope = one_of(data.get("scope", "all"), ("all", "search_v1"), "scope")
        limiter = model().search_v1_limiter if scope == "search_v1" else model().limiter
        return jsonify(configure_quota(limiter, data))

    @bp.post("/exports/complete")
    def complete_exports() -> Response:
        """Finish every pending data export now, whatever the clock says."""
        exports = model().exports
        done = 0
        for tenant in list(model().accounts.by_tenant):
            for doc in model().store.list(tenant, "data_export"):
                if doc["status"] != "completed":
                    exports.complete(tenant, doc)
                    done += 1
        return jsonify({"completed": done})

    return bp
