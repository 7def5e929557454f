"""The embedded moto S3, answering this server alone.

moto checks no credentials: anyone who found its internal loopback port (another program on
the laptop, or a web page in the developer's browser making requests to 127.0.0.1) could list,
read or replace every tenant's uploads. So the embedded server requires a header carrying a
token made at random when the sandbox starts, which only this server's own S3 client sends
(storage.py); everything else gets S3's own 403. Clients never talk to this port: their
presigned links go through `/_s3` on the API port, which checks their signatures first.
"""

from __future__ import annotations

import hmac
from typing import Any

from moto.server import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    ThreadedMotoServer,
    create_backend_app,
)
from werkzeug.serving import make_server

TOKEN_HEADER = "X-Mockserver-Internal"
_ENVIRON_KEY = "HTTP_" + TOKEN_HEADER.upper().replace("-", "_")
_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied</Message></Error>"
)


class InternalOnly:
    """WSGI middleware: the wrapped app answers only requests that carry the token."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token.encode()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        given = environ.get(_ENVIRON_KEY, "").encode()
        if not hmac.compare_digest(given, self.token):
            start_response(
                "403 Forbidden",
                [("Content-Type", "application/xml"), ("Content-Length", str(len(_DENIED)))],
            )
            return [_DENIED]
        return self.app(environ, start_response)


class GuardedMotoServer(ThreadedMotoServer):
    """moto's threaded server on a free loopback port, behind InternalOnly."""

    def __init__(self, token: str) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self._token = token

    def _server_entry(self) -> None:
        app = InternalOnly(DomainDispatcherApplication(create_backend_app), self._token)
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
