"""Requests waitress refuses before the app runs (a body past the limit, a malformed chunked
body, headers too large), answered by the app: in the provider's own error envelope, in the
journal and the access log, as under Granian, where the app refuses them itself.

waitress answers these with a plain-text page of its own; its error task is replaced here by
one that calls the app with `mockserver.framing_error` in the environ (and no body), and the
pipeline turns that into the matching HTTP error (core/pipeline.py).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask, WSGITask

ENVIRON_KEY = "mockserver.framing_error"
CHUNKED = "mockserver.chunked_body"


def sent_chunked(environ: dict[str, Any]) -> bool:
    """Whether the client sent the body chunked (either HTTP layer)."""
    if environ.get(CHUNKED):
        return True
    return "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()


class AppErrorTask(WSGITask):
    """waitress's error, answered by the app when the request line was read."""

    def execute(self) -> None:
        request = self.request
        if not getattr(request, "command", None) or not getattr(request, "path", None):
            ErrorTask.execute(self)  # type: ignore[arg-type] # nothing to route: waitress's page
            return
        try:
            super().execute()
        finally:
            self.set_close_on_finish()  # the connection's framing cannot be trusted now

    def get_environment(self) -> dict[str, Any]:
        environ = super().get_environment()
        error = self.request.error
        environ["wsgi.input"] = BytesIO(b"")
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        declared = int(getattr(self.request, "content_length", 0) or 0)
        if int(error.code) == 413 and declared > 0:
            # A body refused on its Content-Length goes to the route as it is, unread: the
            # route authenticates first (401/403 whatever the size, as under Granian) and the
            # body limit answers 413 when the route reads the body (core/body_limits.py).
            environ["CONTENT_LENGTH"] = str(declared)
            return environ
        environ[ENVIRON_KEY] = (int(error.code), str(error.body or error.reason))
        environ["CONTENT_LENGTH"] = "0"
        return environ


class ChunkedAwareTask(WSGITask):
    """waitress de-chunks a body and drops its Transfer-Encoding header; the environ keeps
    the fact (`CHUNKED`), for routes whose real service answers a chunked body differently
    (S3's presigned PUT: 501 NotImplemented)."""

    def get_environment(self) -> dict[str, Any]:
        environ = super().get_environment()
        if getattr(self.request, "chunked", False):
            environ[CHUNKED] = True
        return environ


class AppErrorChannel(HTTPChannel):
    error_task_class = AppErrorTask
    task_class = ChunkedAwareTask


def install(server: Any) -> None:
    """Make every listening socket of a waitress server (single or multi) use the channel."""
    servers = [server, *getattr(server, "map", {}).values()]
    for candidate in servers:
        if hasattr(candidate, "channel_class"):
            candidate.channel_class = AppErrorChannel
