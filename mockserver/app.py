"""create_app: one Flask app with every provider under its prefix, /_mock and /_s3."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from mockserver.control import guard
from mockserver.control.contract_routes import contract_blueprint
from mockserver.control.dashboard import dashboard_blueprint
from mockserver.control.fault_routes import fault_blueprint
from mockserver.control.journal_routes import journal_blueprint
from mockserver.control.routes import control_blueprint
from mockserver.core import later_verdicts, pipeline
from mockserver.core.body_limits import SandboxRequest
from mockserver.core.errors import ApiError, ValidationFailed
from mockserver.core.frameworks.paths import FrameworkPaths
from mockserver.core.http import mock_error
from mockserver.core.runtime import Runtime
from mockserver.core.s3_routes import s3_blueprint, s3_http_error
from mockserver.core.storage import S3_PREFIX
from mockserver.core.store_outage import RETRY_AFTER_SECONDS, is_store_full, is_store_outage
from mockserver.core.strict_json import StrictJSONProvider
from mockserver.settings import Settings

log = logging.getLogger("mockserver")


class SandboxFlask(Flask):
    """Flask with JSON parsed strictly (no NaN, no lone surrogates: core/strict_json.py)."""

    json_provider_class = StrictJSONProvider
    request_class = SandboxRequest  # body limits that hold for chunked bodies too

    def dispatch_request(self) -> ResponseReturnValue:
        """The view, then the verdicts its answer waited for (core/later_verdicts.py): a
        refusal among them is the answer instead, whether the view returned or raised."""
        try:
            answer = super().dispatch_request()
        except Exception:
            later_verdicts.settle()
            raise
        later_verdicts.settle()
        return answer


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    settings = settings or (runtime.settings if runtime else Settings())
    runtime = runtime or Runtime(settings)
    app = SandboxFlask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    # A form field may be as large as the body limit (werkzeug's own default is 500 kB, which
    # refused a 1 MB text field that every provider's framework takes).
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    app.json.sort_keys = False  # keep the providers' field order in bodies
    app.extensions["mockserver"] = runtime
    runtime.store.before_transaction = later_verdicts.before_writing

    prefixes = {name: provider.prefix for name, provider in runtime.providers.items()}
    guard.install(app, settings)  # first: a refused control request goes no further
    pipeline.install(app, prefixes)
    for name, provider in runtime.providers.items():
        app.register_blueprint(provider.blueprint(), url_prefix=provider.prefix)
        control = provider.control_blueprint()
        if control is not None:
            app.register_blueprint(control, url_prefix=f"/_mock/{name}")
    app.register_blueprint(control_blueprint(), url_prefix="/_mock")
    app.register_blueprint(journal_blueprint(), url_prefix="/_mock/requests")
    app.register_blueprint(fault_blueprint(), url_prefix="/_mock")
    app.register_blueprint(dashboard_blueprint(), url_prefix="/_mock")
    app.register_blueprint(contract_blueprint(), url_prefix="/_mock")
    app.register_blueprint(s3_blueprint(), url_prefix=S3_PREFIX)
    _control_plane_takes_trailing_slashes(app)
    frameworks = {provider.prefix: provider.framework for provider in runtime.providers.values()}
    app.wsgi_app = FrameworkPaths(app.wsgi_app, frameworks)  # type: ignore[method-assign]

    def _render(error: ApiError | ValidationFailed | HTTPException) -> Response:
        provider = runtime.providers.get(g.get("provider") or "")
        if provider is None:
            provider_name = pipeline.provider_for_path(request.path, prefixes)
            provider = runtime.providers.get(provider_name or "")
        if provider is not None:
            if isinstance(error, HTTPException):
                return provider.render_http_error(error)
            return provider.render_error(error)
        if request.path.startswith(S3_PREFIX + "/") and isinstance(error, HTTPException):
            return s3_http_error(error)
        if isinstance(error, HTTPException):
            response = mock_error(error.code or 500, error.description or "error")
            allow = dict(error.get_headers()).get("Allow")
            if allow:
                response.headers["Allow"] = allow
            return response
        if isinstance(error, ValidationFailed):
            return mock_error(error.status, error.summary(), errors=error.errors)
        return mock_error(error.status, error.message, **error.extra)

    app.register_error_handler(ApiError, _render)
    app.register_error_handler(ValidationFailed, _render)
    app.register_error_handler(HTTPException, _render)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if is_store_full(exc):  # before outages: PostgreSQL's full disk is one of those too
            return _store_unavailable(
                exc,
                "store full (--store-max-mb, or no room on the disk under it; POST /_mock/reset "
                "empties it)",
                "The sandbox's store is full; reset the sandbox or give its store more room.",
            )
        if is_store_outage(exc):
            return _store_unavailable(
                exc,
                "store unavailable",
                "The sandbox's store (PostgreSQL) cannot be reached; try again shortly.",
            )
        # The cause in the line itself (the traceback follows it): "see its log" must find it.
        log.exception(
            "unhandled error on %s %s: %s: %s",
            request.method,
            request.path,
            type(exc).__name__,
            exc,
        )
        return _render(InternalServerError("The mock failed unexpectedly; see its log."))

    def _store_unavailable(exc: Exception, what: str, told: str) -> Response:
        """503 and Retry-After, not 500: the request may be sent again as it was
        (core/store_outage.py). The cause in one line; a traceback would say nothing more."""
        log.error(
            "%s on %s %s, answered 503: %s: %s",
            what,
            request.method,
            request.path,
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        )
        response = _render(ApiError(503, "service_unavailable", told))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)  # any envelope, control too
        return response

    @app.get(pipeline.FAVICON)
    def _favicon() -> Response:
        """Browsers ask for it on every page of the sandbox; an empty answer, cached for a
        day, instead of a 404 in the journal among the client's requests."""
        return Response(status=204, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/")
    def _index() -> Response:
        return jsonify(
            {
                "mockserver": "see /_mock/health and /_mock/tenants",
                "providers": {name: p.prefix for name, p in runtime.providers.items()},
            }
        )

    return app


def _control_plane_takes_trailing_slashes(app: Flask) -> None:
    """`GET /_mock/health/` answers as `/_mock/health` does: scripts and HTTP clients add the
    slash (a base URL ending in one, joined to "health/"), and each provider's routes already
    take it (core/frameworks). Only the control plane's rules: an object key in the S3 paths
    may end in a slash, and is then another key."""
    for rule in app.url_map.iter_rules():
        if rule.rule == "/_mock" or rule.rule.startswith("/_mock/"):
            rule.strict_slashes = False
