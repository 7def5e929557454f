"""Steps every request passes before and after its view, written once for all providers.

Each request gets an id, and each answer says it came from the mock (`X-Mockserver`), so a
recorded mock response can never pass for a real provider's. Provider and upload requests, and
requests that hit no route at all, are written to the journal with their answers.
"""

from __future__ import annotations

import difflib
import re
import time
from typing import Any

from flask import Flask, Response, current_app, g, request

from mockserver import __version__
from mockserver.core import outcomes, scenarios
from mockserver.core.clock import utc_iso
from mockserver.core.ids import ids
from mockserver.core.journal import body_text, mask_header, mask_text
from mockserver.core.storage import S3_PREFIX

MOCK_HEADER = "X-Mockserver"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
CONTROL_PREFIX = "/_mock"
# Request bodies larger than this are journaled by size only (uploads can be 25 MB).
READ_LIMIT = 1024 * 1024


def install(app: Flask, provider_prefixes: dict[str, str]) -> None:
    @app.before_request
    def _start() -> Response | None:
        # A caller's own id is echoed only when it is a plain token: header injection through
        # it (CR/LF, anything odd) gets a fresh id instead.
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else ids.hex()
        current_app.extensions["mockserver"].shared.sync()
        g.started = time.perf_counter()
        g.provider = provider_for_path(request.path, provider_prefixes)
        scenarios.set_active(None)
        return outcomes.apply(current_app.extensions["mockserver"], g.provider)

    @app.after_request
    def _stamp(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        provider = g.get("provider")
        response.headers[MOCK_HEADER] = f"mockserver/{__version__}" + (
            f"; provider={provider}" if provider else ""
        )
        if g.get("preference_applied"):
            response.headers["Preference-Applied"] = g.preference_applied
        _journal(app, response)
        return response


def provider_for_path(path: str, provider_prefixes: dict[str, str]) -> str | None:
    for name, prefix in provider_prefixes.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def _journal(app: Flask, response: Response) -> None:
    unmatched = request.url_rule is None
    control = request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/")
    if control and not unmatched:
        return
    runtime = current_app.extensions["mockserver"]
    journal = runtime.journal
    provider_name = g.get("provider")
    provider = runtime.providers.get(provider_name or "")
    entry: dict[str, Any] = {
        "request_id": g.get("request_id"),
        "at": utc_iso(runtime.clock.now()),
        "method": request.method,
        "path": request.path,
        "query": mask_text(request.query_string.decode("latin-1")),
        "provider": provider_name or ("s3" if request.path.startswith(S3_PREFIX) else None),
        "tenant": _tenant(provider),
        "headers": {name: mask_header(name, value) for name, value in request.headers.items()},
        **_request_body(journal.body_bytes),
        "status": response.status_code,
        "response_headers": dict(response.headers),
        **_response_body(response, journal.body_bytes),
        "duration_ms": round(
            (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2
        ),
        "scenario": g.get("scenario"),
        "fault": g.get("fault"),
        "unmatched": unmatched,
    }
    journal.record(entry)  # an unmatched entry's hint is worked out when someone reads it


def _tenant(provider: Any) -> str | None:
    if provider is None:
        return None
    try:
        return provider.request_tenant()
    except Exception:  # noqa: BLE001 - the journal never breaks an answer
        return None


def _request_body(limit: int) -> dict[str, Any]:
    if request.path.startswith(S3_PREFIX):
        return {"body": None, "body_size": request.content_length}
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return {
            "body": mask_text("&".join(f"{k}={v}" for k, v in request.form.items(multi=True))),
            "files": {
                name: {"filename": upload.filename, "content_type": upload.mimetype}
                for name, upload in request.files.items(multi=True)
            },
            "body_size": request.content_length,
        }
    if (request.content_length or 0) > READ_LIMIT:
        return {"body": None, "body_size": request.content_length}
    data = request.get_data(cache=True)
    text, cut = body_text(data, request.content_type or "", limit)
    return {"body": text, "body_truncated": cut, "body_size": len(data)}


def _response_body(response: Response, limit: int) -> dict[str, Any]:
    if response.direct_passthrough or response.is_streamed:
        return {"response_body": None}
    data = response.get_data()
    text, cut = body_text(data, response.content_type or "", limit)
    return {"response_body": text, "response_truncated": cut}


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
