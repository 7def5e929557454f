"""Request body limits, in one place for every provider and both HTTP layers.

Two limits: the API's (`max_request_bytes`, every route) and the upload routes'
(`max_upload_bytes`, routes that take a file: a provider may allow a file larger than its API
body limit, and its own validation, not a 413, answers a file over the provider's file limit).
Both are checked on the declared `Content-Length` before a byte is read, and on the bytes
actually read when there is no length (a chunked body).
"""

from __future__ import annotations

from typing import IO, Any

from flask import Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream


class _StrictMaxStream(LimitedStream):
    """A stream that may not go past `limit` and says so.

    werkzeug's own maximum-limited stream stops reading at the limit when asked for everything
    (`get_data`) and hands back the truncated body as if it were whole: under Granian, whose
    chunked bodies carry no length, an 11 MiB JSON post was read as 10 MiB and answered
    "not valid JSON" instead of 413."""

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._stream.read(1):  # type: ignore[attr-defined]
            raise RequestEntityTooLarge()
        return data


class SandboxRequest(Request):
    """Flask's request with body limits that hold for a body of unknown length too."""

    @cached_property
    def stream(self) -> IO[bytes]:
        environ = self.environ
        limit = self.max_content_length
        if limit is not None and "wsgi.input_terminated" in environ and not self.content_length:
            return _StrictMaxStream(environ["wsgi.input"], limit, is_max=True)  # type: ignore[return-value]
        return super().stream


def allow_upload_body() -> None:
    """The current route takes a file: its body may be as large as the upload limit."""
    settings: Any = current_app.extensions["mockserver"].settings
    request.max_content_length = max(settings.max_upload_bytes, settings.max_request_bytes)
