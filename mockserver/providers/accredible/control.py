"""Accredible's part of the control plane: credit balances, the rate limit, and finishing
data exports at once."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockserver.core.errors import ApiError
from mockserver.core.http import optional_json_object
from mockserver.core.ratelimit import Quota
from mockserver.providers.accredible.accounts import Account
from mockserver.providers.accredible.web import model


def _account(tenant: str | None) -> Account:
    accounts = model().accounts.by_tenant
    if not accounts:
        raise ApiError(404, "not_found", "no Accredible accounts in the fixtures")
    if tenant is None:
        return next(iter(accounts.values()))
    if tenant not in accounts:
        raise ApiError(404, "not_found", f"no Accredible account {tenant}")
    return accounts[tenant]


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
        balance = data.get("balance")
        if isinstance(balance, bool) or not isinstance(balance, int) or balance < 0:
            raise ApiError(422, "invalid", "balance must be a non-negative integer")
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
        try:
            quota = Quota(
                int(data["limit"]),
                float(data.get("window_seconds", 300)),
                float(data.get("period_seconds", 30)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ApiError(422, "invalid", "limit (integer) is required") from exc
        if quota.limit < 1 or quota.period_seconds <= 0 or quota.window_seconds <= 0:
            raise ApiError(422, "invalid", "limit, window_seconds and period_seconds must be > 0")
        limiter = model().search_v1_limiter if data.get("scope") == "search_v1" else model().limiter
        limiter.configure(quota)
        return jsonify(quota.describe())

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
