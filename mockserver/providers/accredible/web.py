"""Request helpers the Accredible views share: the model, the caller, bodies, presenters."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request

from mockserver.core import later_verdicts
from mockserver.core.errors import ApiError
from mockserver.core.frameworks import rails
from mockserver.core.http import json_object_body, provider_base
from mockserver.core.ratelimit import RateLimiter, Verdict
from mockserver.providers.accredible import errors, presenters
from mockserver.providers.accredible.accounts import Caller
from mockserver.providers.accredible.links import Links
from mockserver.providers.accredible.models import AccredibleModel

PREFIX = "/accredible"


def model() -> AccredibleModel:
    return current_app.extensions["mockserver"].providers["accredible"].model


def caller() -> Caller:
    return model().accounts.authenticate()


def optional_caller() -> Caller | None:
    """The caller when the request carries a known key; None for an anonymous visitor."""
    try:
        return caller()
    except ApiError:
        return None


def find_credential(raw_id: str, who: Caller | None = None) -> tuple[dict[str, Any], Any]:
    """A credential by any id it answers to, and its account: within the caller's account (and
    department) when there is a caller, else in any account (public pages, verifiers)."""
    accounts = [who.account] if who else list(model().accounts.by_tenant.values())
    for account in accounts:
        doc = model().credentials.lookup(account.tenant, raw_id)
        if doc is not None and (who is None or who.sees(doc)):
            return doc, account
    raise errors.not_found()


def enforce(limiter: RateLimiter) -> None:
    """Count this request against a per-address quota; 429 (rack-attack's answer) beyond it.
    A read's verdict may come with the record it reads (core/later_verdicts.py)."""
    key = request.remote_addr or "unknown"
    verdict = limiter.hit_soon(key) if later_verdicts.may_wait() else limiter.hit(key)
    later_verdicts.judge(verdict, _too_many)


def _too_many(verdict: Verdict) -> ApiError:
    return ApiError(
        429,
        "too_many_requests",
        errors.RETRY_LATER,
        headers={"Retry-After": str(verdict.retry_after)},
    )


def links() -> Links:
    return Links(provider_base(PREFIX))


def body() -> dict[str, Any]:
    """The JSON body; an empty body reads as `{}` (Rails' empty params)."""
    if not request.get_data(cache=True):
        return {}
    return json_object_body()


def params() -> dict[str, Any]:
    """Query parameters over a JSON body when a GET sends one (the docs' all_groups example
    does), merged and parsed as Rails does (core/frameworks/rails.py)."""
    merged: dict[str, Any] = {}
    if request.get_data(cache=True) and (request.mimetype or "").endswith("json"):
        merged.update(json_object_body())
    merged.update(rails.query_params())
    return merged


def ok(payload: Any, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    return response


def credential_body(who: Caller, doc: dict[str, Any]) -> dict[str, Any]:
    return presenters.credential(doc, who.account, links())
