"""Steps every request passes before and after its view, written once for all providers.

Each request gets an id, and each answer says it came from the mock (`X-Mockserver`), so a
recorded mock response can never pass for a real provider's. Provider and upload requests, and
requests that hit no route at all, are written to the journal with their answers.
"""

from __future__ import annotations

import difflib
import logging
import re
import time
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
)
from werkzeug.http import http_date

from mockserver import __version__
from mockserver.core import access_log, framing_errors, later_verdicts, outcomes, scenarios
from mockserver.core.clock import utc_iso
from mockserver.core.frameworks.paths import ORIGINAL_PATH
from mockserver.core.ids import ids
from mockserver.core.journal import MAX_HEADERS, RAW
from mockserver.core.storage import S3_PREFIX

MOCK_HEADER = "X-Mockserver"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
CONTROL_PREFIX = "/_mock"
FAVICON = "/favicon.ico"  # the browser's own request, answered but not journaled
# Request bodies larger than this are journaled by size only (uploads can be 25 MB).
READ_LIMIT = 1024 * 1024


def install(app: Flask, provider_prefixes: dict[str, str]) -> None:
    @app.before_request
    def _start() -> Response | None:
        # A caller's own id is echoed only when it is a plain token: header injection through
        # it (CR/LF, anything odd) gets a fresh id instead.
        given = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else ids.request_id()
        framing = request.environ.get(framing_errors.ENVIRON_KEY)
        if framing is not None:
            g.started = time.perf_counter()
            g.provider = provider_for_path(request.path, provider_prefixes)
            raise _framing_error(*framing)
        # Known before the store is asked anything: a request it cannot answer (a 503) is
        # journaled and rendered as the provider's all the same.
        g.started = time.perf_counter()
        g.provider = provider_for_path(request.path, provider_prefixes)
        # The control plane reads the shared control record itself (one round trip): what QA
        # reads there is what every server has committed, not what has reached this one yet.
        path = request.path
        control = path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
        current_app.extensions["mockserver"].shared.sync(read=control)
        scenarios.set_active(None)
        return outcomes.apply(current_app.extensions["mockserver"], g.provider)

    @app.after_request
    def _stamp(response: Response) -> Response:
        if not g.get("request_id"):  # answered before _start ran (the control-plane guard)
            g.request_id = ids.request_id()
        if g.get("fault_pending"):
            outcomes.settle(current_app.extensions["mockserver"])
        response.headers["X-Request-Id"] = g.request_id
        provider = g.get("provider")
        response.headers[MOCK_HEADER] = f"mockserver/{__version__}" + (
            f"; provider={provider}" if provider else ""
        )
        if g.get("preference_applied"):
            response.headers["Preference-Applied"] = g.preference_applied
        runtime = current_app.extensions["mockserver"]
        # The server clock is the sandbox's "now" everywhere: in bodies, in expiries and here.
        response.headers["Date"] = http_date(runtime.clock.now())
        tenant = _tenant(runtime.providers.get(provider or ""))
        _journal(app, response, tenant)
        _log(app, response, tenant)
        return response

    app.teardown_request(_forget_verdicts)  # a view that never ran still counts its hits


def _forget_verdicts(_error: BaseException | None) -> None:
    later_verdicts.forget()


def _framing_error(code: int, detail: str) -> HTTPException:
    """The HTTP error the app answers for a request the HTTP layer could not take in."""
    if code == 413:  # waitress's wording names its own ceiling, not the limit that applies
        return RequestEntityTooLarge()
    if code == 431:
        return RequestHeaderFieldsTooLarge()
    return BadRequest(detail.strip() or None)


def provider_for_path(path: str, provider_prefixes: dict[str, str]) -> str | None:
    for name, prefix in provider_prefixes.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def _log(app: Flask, response: Response, tenant: str | None) -> None:
    here = g._get_current_object()  # type: ignore[attr-defined]
    if request.url_rule is None and request.method != "OPTIONS":
        method, path = request.method, request.path
        access_log.no_route(
            method, path, lambda: nearest_route(app, method, path), here.get("request_id", "")
        )
    if not access_log.ACCESS.isEnabledFor(logging.INFO):
        return
    runtime = current_app.extensions["mockserver"]
    access_log.request_line(
        {
            "time": utc_iso(runtime.clock.now()),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": _elapsed_ms(here.get("started")),
            "provider": here.get("provider"),
            "tenant": tenant,
            "scenario": here.get("scenario"),
            "rule": here.get("fault"),
            "request_id": here.get("request_id"),
        }
    )


def _journal(app: Flask, response: Response, tenant: str | None) -> None:
    """Capture the exchange as it is; the journal turns it into masked text when it is read
    (see `journal.finish`), so a request pays for copying, not for formatting."""
    req = request._get_current_object()  # type: ignore[attr-defined] # one proxy lookup
    here = g._get_current_object()  # type: ignore[attr-defined]
    path = req.environ.get(ORIGINAL_PATH) or req.path  # as the client sent it
    unmatched = req.url_rule is None
    control = path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
    if (control and not unmatched) or path == FAVICON:
        return
    runtime = current_app.extensions["mockserver"]
    journal = runtime.journal
    provider_name = here.get("provider")
    environ = req.environ
    entry: dict[str, Any] = {
        RAW: True,
        "request_id": here.get("request_id"),
        "at": runtime.clock.timestamp(),
        "method": req.method,
        "path": path,
        # Every part of an entry is bounded by the body limit (a 500 kB query or form field
        # must not make the journal hold megabytes per entry).
        "query": req.query_string[: journal.body_bytes + 1],
        "provider": provider_name or ("s3" if path.startswith(S3_PREFIX) else None),
        "tenant": tenant,
        "headers": _headers(environ, journal.body_bytes),
        **_request_body(req, journal.body_bytes),
        "status": response.status_code,
        "response_headers": response.headers.to_wsgi_list(),
        **_response_body(response, journal.body_bytes),
        "duration_ms": _elapsed_ms(here.get("started")),
        "scenario": here.get("scenario"),
        "fault": here.get("fault"),
        "unmatched": unmatched,
    }
    journal.record(entry)  # an unmatched entry's hint is worked out when someone reads it


def _headers(environ: dict[str, Any], limit: int) -> list[tuple[str, str]]:
    """The request's headers as the journal keeps them: at most MAX_HEADERS, each value cut at
    the body limit."""
    found = [(key, value) for key, value in environ.items() if key[:5] == "HTTP_"]
    found += [(key, environ[key]) for key in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(key)]
    return [(key[:200], str(value)[: limit + 1]) for key, value in found[:MAX_HEADERS]]


def _elapsed_ms(started: float | None) -> float:
    return round((time.perf_counter() - started) * 1000, 2) if started else 0.0


def _tenant(provider: Any) -> str | None:
    if provider is None:
        return None
    try:
        return provider.request_tenant()
    except Exception:  # noqa: BLE001 - the journal never breaks an answer
        return None


def _request_body(req: Request, limit: int) -> dict[str, Any]:
    environ = req.environ
    if not environ.get("CONTENT_LENGTH") and "HTTP_TRANSFER_ENCODING" not in environ:
        return {"body": b"", "body_size": 0}  # most reads: nothing to parse
    if req.path.startswith(S3_PREFIX):
        return {"body": None, "body_size": req.content_length}
    if req.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            form, files = req.form, req.files
        except HTTPException:
            # The body broke a parsing limit; the view's answer said so. Reading the form
            # again here raised the same error while the response was being finished: a 500.
            return {"body": None, "body_size": req.content_length}
        text, kept = [], 0
        for key, value in form.items(multi=True):
            part = f"{key}={value}"[: limit + 1 - kept]
            text.append(part)
            kept += len(part) + 1
            if kept > limit:
                break
        return {
            "body": "&".join(text)[: limit + 1],
            "files": {
                name[:200]: {
                    "filename": (upload.filename or "")[:200],
                    "content_type": upload.mimetype[:200],
                }
                for name, upload in list(files.items(multi=True))[:MAX_HEADERS]
            },
            "body_size": req.content_length,
        }
    if (req.content_length or 0) > READ_LIMIT:
        return {"body": None, "body_size": req.content_length}
    try:
        data = req.get_data(cache=True)
    except HTTPException:
        # The body broke its limit while the view read it (a chunked body has no length to
        # refuse it by); reading it again would raise again, after the answer was made.
        return {"body": None, "body_size": req.content_length}
    return {
        "body": data[: limit + 1],  # one byte past the limit says it was cut
        "body_type": req.content_type or "",
        "body_size": len(data),
    }


def _response_body(response: Response, limit: int) -> dict[str, Any]:
    if response.direct_passthrough or response.is_streamed:
        return {"response_body": None}
    return {
        "response_body": response.get_data()[: limit + 1],
        "response_type": response.content_type or "",
    }


def add_hints(app: Flask, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give unmatched entries their nearest route (once; kept on the entry)."""
    for entry in entries:
        if entry.get("unmatched") and "hint" not in entry:
            entry["hint"] = nearest_route(app, entry["method"], entry["path"])
    return entries


def nearest_route(app: Flask, method: str, path: str) -> dict[str, Any] | None:
    """The served route most like a path that matched none, with its methods."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    # Path parameters compared as a typical value, so `/credentials/<id>` is near `/credentials/1`.
    shapes = {re.sub(r"<[^>]+>", "1", rule.rule): rule for rule in rules}
    close = difflib.get_close_matches(path, list(shapes), n=1, cutoff=0.5)
    if not close:
        return None
    rule = shapes[close[0]]
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    route = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)  # `<int:id>` shown as `<id>`
    return {"route": route, "methods": methods, "method_matches": method in methods}
