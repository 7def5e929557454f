"""`--provider-ports`: each provider also at the root of a port of its own.

One waitress server listens on every port; this WSGI wrapper looks at which port a request
arrived on and prefixes the path with that provider's mount point, so the routes, errors and
state are exactly those of the shared port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mockserver.core.http import PROVIDER_ROOT_ENVIRON
from mockserver.core.storage import S3_PREFIX

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ProviderPorts:
    def __init__(self, app: WsgiApp, prefixes_by_port: dict[int, str]) -> None:
        self.app = app
        self.prefixes_by_port = prefixes_by_port

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        prefix = self.prefixes_by_port.get(int(environ.get("SERVER_PORT") or 0))
        # Upload links a provider hands out on its own port point at that port (the request's
        # host): they are the embedded S3's, served at the same path on every port.
        shared = environ.get("PATH_INFO", "").startswith(S3_PREFIX + "/")
        if prefix is not None and not shared:
            environ = dict(environ)
            environ["PATH_INFO"] = prefix + environ.get("PATH_INFO", "")
            environ[PROVIDER_ROOT_ENVIRON] = prefix
        return self.app(environ, start_response)
