"""Request helpers every provider shares: reading bodies and building public URLs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request

from mockserver.core import strict_json
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.ratelimit import RateLimiter, quota_from

T = TypeVar("T")
PROVIDER_ROOT_ENVIRON = "mockserver.provider_root"


def json_object_body() -> dict[str, Any]:
    """The request body as a JSON object, or the ApiError a JSON API gives for it."""
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type must be application/json, not {request.mimetype or 'absent'}",
        )
    raw = request.get_data(cache=True)
    try:
        data = strict_json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, "bad_request", f"The request body is not UTF-8: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            "bad_request",
            f"The request body is not valid JSON: {exc.msg} "
            f"at line {exc.lineno} column {exc.colno}",
        ) from exc
    except RecursionError as exc:
        raise ApiError(400, "bad_request", "The request body is nested too deeply") from exc
    if not isinstance(data, dict):
        raise ValidationFailed({"body": ["must be a JSON object"]})
    return data


def mock_error(status: int, message: str, **extra: Any) -> Response:
    """An answer that says plainly it comes from the mock, never in a provider's shape."""
    response = jsonify({"mock_error": {"status": status, "message": message, **extra}})
    response.status_code = status
    return response


def optional_json_object() -> dict[str, Any]:
    """A control-plane body: a JSON object (every field optional), `{}` for none; a body that
    is not JSON (NaN and lone surrogates included) is a 400, never silently ignored."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = strict_json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(400, "bad_request", f"body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "body must be a JSON object")
    return data


def choose_tenant(accounts: dict[str, T], tenant: str | None, what: str) -> T:
    """A control-plane request's account: the one named by `tenant`, else the first. A tenant
    is named by its full id (`vec:demo-institute`) or by the fixture's own id alone
    (`demo-institute`) when just one tenant has it."""
    if not accounts:
        raise ApiError(404, "not_found", f"no {what} in the fixtures")
    if tenant is None:
        return next(iter(accounts.values()))
    if not isinstance(tenant, str):
        raise ApiError(400, "bad_request", f"tenant must be a string naming a {what}")
    if tenant in accounts:
        return accounts[tenant]
    by_fixture_id = [key for key in accounts if key.split(":", 1)[-1] == tenant]
    if len(by_fixture_id) == 1:
        return accounts[by_fixture_id[0]]
    raise ApiError(404, "not_found", f"no {what} {tenant}", extra={"known": sorted(accounts)})


def one_of(value: Any, allowed: Iterable[str], name: str) -> str:
    """A control-plane value that must be one of a few: a 400 listing them otherwise (a wrong
    one was once taken silently as the default, which misled more than an error)."""
    listed = list(allowed)
    if not isinstance(value, str) or value not in listed:
        raise ApiError(
            400,
            "bad_request",
            f"{name} must be one of {', '.join(listed)}, not {str(value)[:60]!r}",
        )
    return value


def known_keys(data: dict[str, Any], known: Iterable[str]) -> None:
    """A 400 naming the keys a control-plane body may have, when it has others."""
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ApiError(
            400, "bad_request", f"unknown keys {unknown}; this call takes {sorted(known)}"
        )


def configure_quota(limiter: RateLimiter, data: dict[str, Any]) -> dict[str, Any]:
    """A control-plane change of a quota (`limit` required); its counts start again."""
    known_keys(data, ("limit", "window_seconds", "period_seconds", "scope"))
    if "limit" not in data:
        raise ApiError(400, "bad_request", "limit (a whole number) is required")
    try:
        quota = quota_from(data, limiter.quota)
    except ValueError as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc
    with current_app.extensions["mockserver"].shared.change():
        limiter.configure(quota)
    return quota.describe()


def public_base() -> str:
    """Where clients reach this server: --public-url, else the request's own scheme and host."""
    configured = current_app.extensions["mockserver"].settings.public_url
    return (configured or _host_url()).rstrip("/")


def provider_base(prefix: str) -> str:
    """A provider's base URL as the client sees it (its own port serves it at the root)."""
    if request.environ.get(PROVIDER_ROOT_ENVIRON):
        return _host_url()
    return public_base() + prefix


def _host_url() -> str:
    """`request.host_url` without its trailing slash, put together directly: Werkzeug's
    property re-quotes the whole URL, a third of a list request's time in our measurements."""
    return f"{request.scheme}://{request.host}{request.root_path}".rstrip("/")
