"""One outgoing POST whose whole exchange, not each read, is bounded by a deadline.

A socket timeout bounds a single read, so a receiver that drips its TLS handshake or its
header lines a byte every few seconds would hold the sending thread for as long as it liked.
Here a timer shuts the socket down when the deadline passes: whatever read is blocked then
returns at once and the attempt fails like any other timeout. Only the status line is read;
the body is never drained.
"""

from __future__ import annotations

import http.client
import socket
import threading
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util import parse_url


class DeadlineExceeded(urllib3.exceptions.HTTPError):
    """The receiver did not answer its status line before the attempt's deadline."""


class _Watched:
    """Keeps the socket's descriptor as soon as it exists, so the watchdog can cut even a TLS
    handshake (wrapping detaches the plain socket object, but the descriptor stays the same)."""

    raw_fileno: int | None = None

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        self.raw_fileno = sock.fileno()
        return sock


class _WatchedHTTP(_Watched, HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, HTTPSConnection):
    pass


def post_for_status(
    url: str, body: bytes, headers: dict[str, str], *, read_timeout: float, deadline: float
) -> int:
    """POST `body` to `url` and answer the status code; raise urllib3's HTTPError on failure."""
    parts = parse_url(url)
    if parts.scheme not in ("http", "https") or not parts.host:
        raise urllib3.exceptions.LocationValueError(f"not an http(s) URL: {url}")
    connection_class: Any = _WatchedHTTPS if parts.scheme == "https" else _WatchedHTTP
    connection = connection_class(parts.host, parts.port, timeout=read_timeout)
    expired = threading.Event()
    # Held while cutting and while closing, so the watchdog never touches a descriptor the
    # attempt has already closed (and the system may have reused).
    closing = threading.Lock()
    finished = False

    def cut() -> None:
        with closing:
            if finished or connection.raw_fileno is None:
                return
            expired.set()
            borrowed = socket.socket(fileno=connection.raw_fileno)
            try:
                borrowed.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # the peer has gone already
            finally:
                borrowed.detach()  # the descriptor stays the connection's to close

    watchdog = threading.Timer(deadline, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(
            "POST", parts.request_uri, body=body, headers=headers, preload_content=False
        )
        response = connection.getresponse()  # the status line and headers; never the body
        status = int(response.status)
    except (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError, ValueError) as exc:
        if expired.is_set():
            raise DeadlineExceeded(f"no status line within {deadline:g} s") from exc
        if isinstance(exc, urllib3.exceptions.HTTPError):
            raise
        if isinstance(exc, TimeoutError):
            raise urllib3.exceptions.ReadTimeoutError(None, url, str(exc)) from exc  # type: ignore[arg-type]
        raise urllib3.exceptions.ProtocolError(str(exc)) from exc
    finally:
        watchdog.cancel()
        with closing:
            finished = True
            connection.close()
    if expired.is_set():
        raise DeadlineExceeded(f"no status line within {deadline:g} s")
    return status
