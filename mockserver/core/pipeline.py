"""Steps every request passes before and after its view, written once for all providers.

Each request gets an id, and each answer says it came from the mock (`X-Mockserver`), so a
recorded mock response can never pass for a real provider's.
"""

from __future__ import annotations

import time
import uuid

from flask import Flask, Response, g, request

from mockserver import __version__

MOCK_HEADER = "X-Mockserver"


def install(app: Flask, provider_prefixes: dict[str, str]) -> None:
    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        g.started = time.perf_counter()
        g.provider = provider_for_path(request.path, provider_prefixes)

    @app.after_request
    def _stamp(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        provider = g.get("provider")
        response.headers[MOCK_HEADER] = f"mockserver/{__version__}" + (
            f"; provider={provider}" if provider else ""
        )
        return response


def provider_for_path(path: str, provider_prefixes: dict[str, str]) -> str | None:
    for name, prefix in provider_prefixes.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None
