"""Network faults on a real connection: reset, empty response, malformed chunked body.

They need the socket, which only a real server has. Under waitress the request's channel is
reachable through the environ; its main loop closes the channel (a thunk through the server's
trigger), so no thread but the loop's touches the channel's file descriptor.
"""

from __future__ import annotations

import socket
import struct
import threading
from typing import Any

KINDS = ("reset", "empty", "malformed_chunk")
MALFORMED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    b'X-Mockserver: fault=malformed_chunk\r\n\r\nZZ\r\n{"partial": tr\r\n'
)


class NetworkFaultUnavailable(Exception):
    """The server is not one whose connections the mock can reach (the Flask test client)."""


def inject(environ: dict[str, Any], kind: str) -> None:
    """Break the connection of the request `environ` belongs to; returns when it is broken."""
    check = environ.get("waitress.client_disconnected")
    channel = getattr(check, "__self__", None)
    sock = getattr(channel, "socket", None)
    trigger = getattr(getattr(channel, "server", None), "trigger", None)
    if channel is None or sock is None or trigger is None:
        raise NetworkFaultUnavailable(kind)
    if kind == "reset":
        # Closing with a zero linger sends RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif kind == "malformed_chunk":
        sock.sendall(MALFORMED)
    closed = threading.Event()

    def close_in_loop() -> None:
        try:
            channel.handle_close()
        finally:
            closed.set()

    trigger.pull_trigger(close_in_loop)
    closed.wait(5)
