"""Applies each provider's framework path rules before Flask routes the request."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mockserver.core.frameworks.base import Framework

ORIGINAL_PATH = "mockserver.original_path"
"""environ key: the path as the client sent it (the journal shows that one)."""


class FrameworkPaths:
    """WSGI middleware: a provider's path is rewritten as its framework's router reads it.

    `POST /accredible/v1/credentials/` (Accredible's own Ruby SDK sends that) reaches the
    route `/v1/credentials`, as Rails' router would take it; the control plane and the S3
    paths are left exactly as sent."""

    def __init__(self, app: Callable[..., Iterable[bytes]], frameworks: dict[str, Framework]):
        self.app = app
        self.frameworks = sorted(frameworks.items(), key=lambda item: -len(item[0]))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        path = environ.get("PATH_INFO", "")
        for prefix, framework in self.frameworks:
            if path.startswith(prefix + "/"):
                rest = path[len(prefix) :]
                normalized = framework.normalize_path(rest)
                if normalized != rest:
                    environ[ORIGINAL_PATH] = path
                    environ["PATH_INFO"] = prefix + normalized
                break
        return self.app(environ, start_response)
