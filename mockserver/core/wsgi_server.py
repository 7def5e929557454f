"""The waitress server both `mockserver serve` and the pytest plugin run, configured once."""

from __future__ import annotations

import logging
import socket
from typing import Any

# Connections waitress holds at once (its default, 100, let 98 slow clients lock everyone
# out), and seconds a connection may sit without sending a byte before it is closed.
CONNECTION_LIMIT = 1000
IDLE_SECONDS = 30


def body_ceiling(settings: Any) -> int:
    """The largest body waitress takes in (it spools bodies to disk before the app runs):
    four times the app's largest limit (100 MiB by default, it was 256 MiB), so a body well
    over a limit still reaches the app and gets the provider's own 413, while a far larger
    one is refused by waitress on its Content-Length before a byte is spooled (a plain 413)."""
    return 4 * max(settings.max_request_bytes, settings.max_upload_bytes)


def create(app: Any, threads: int, *, body_limit: int, **where: Any) -> Any:
    """A waitress server for `app`; `where` is waitress's `listen=`, `host=`/`port=` or
    `sockets=` (from bind())."""
    from waitress import create_server

    # waitress warns "Task queue depth is N" for every request that waits for a free thread:
    # under a load test that is thousands of lines a second on the user's console and about a
    # tenth of the server's time. Queueing is normal for a sandbox.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return create_server(
        app,
        threads=threads,
        ident="mockserver",
        clear_untrusted_proxy_headers=True,
        max_request_body_size=body_limit,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_SECONDS,
        **where,
    )


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
