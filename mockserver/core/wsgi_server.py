"""The waitress server both `mockserver serve` and the pytest plugin run, configured once."""

from __future__ import annotations

import logging
import socket
from typing import Any

from mockserver.core import framing_errors

# Connections waitress holds at once (its default, 100, let 98 slow clients lock everyone
# out), and seconds a connection may sit without sending a byte before it is closed.
CONNECTION_LIMIT = 1000
IDLE_SECONDS = 30


def body_ceiling(settings: Any) -> int:
    """The largest body waitress takes in (it spools bodies to disk before the app runs): the
    app's largest limit and a margin, so a body just over a limit reaches the app's own checks
    (S3's EntityTooLarge names the sizes). A larger one is refused on its Content-Length
    before a byte is spooled, and the app still answers it, in the provider's envelope
    (framing_errors.py)."""
    return max(settings.max_request_bytes, settings.max_upload_bytes) + 1024 * 1024


def create(app: Any, threads: int, *, body_limit: int, **where: Any) -> Any:
    """A waitress server for `app`; `where` is waitress's `listen=`, `host=`/`port=` or
    `sockets=` (from bind())."""
    from waitress import create_server

    # waitress warns "Task queue depth is N" for every request that waits for a free thread:
    # under a load test that is thousands of lines a second on the user's console and about a
    # tenth of the server's time. Queueing is normal for a sandbox.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(
        app,
        threads=threads,
        ident="mockserver",
        clear_untrusted_proxy_headers=True,
        max_request_body_size=body_limit,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_SECONDS,
        **where,
    )
    framing_errors.install(server)  # waitress's refusals answered by the app
    return server


def bind(addresses: list[tuple[str, int]]) -> list[socket.socket]:
    """Listening sockets for (host, port) pairs, bound here so that a failure can say which
    address it was: the OSError raised carries it as `.address`."""
    bound: list[socket.socket] = []
    for host, port in addresses:
        try:
            family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
            sock = socket.socket(family, socket.SOCK_STREAM)
            bound.append(sock)
            # As waitress does: connections of an earlier run in TIME_WAIT do not block the
            # port (on Linux a live listener still does).
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(1024)
        except OSError as exc:
            for sock in bound:
                sock.close()
            exc.address = (host, port)  # type: ignore[attr-defined]
            raise
    return bound
