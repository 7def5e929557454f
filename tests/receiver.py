"""A real HTTP webhook receiver on an ephemeral loopback port, as a partner would run one."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answers in turn; then 200
    received: list[Received] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)


@contextmanager
def webhook_receiver(statuses: list[int] | None = None, delay: float = 0.0) -> Iterator[Receiver]:
    """`statuses`: answers in turn (then 200); `delay`: seconds to wait before answering."""
    receiver = Receiver(url="", statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if delay:
                time.sleep(delay)
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/seekpass"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def dripping_server(
    at_once: bytes, dripped: bytes, seconds_per_byte: float
) -> Iterator[tuple[int, list[int]]]:
    """A hostile receiver: reads the request, sends `at_once`, then drips `dripped` one byte
    at a time, then keeps silent until the client lets go.

    Yields the port and `[open now, most open at once]`, so a test can see how many
    connections the sandbox held."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(32)
    server.settimeout(0.2)
    stop = threading.Event()
    open_connections = [0, 0]
    lock = threading.Lock()

    def drip(conn: socket.socket) -> None:
        with lock:
            open_connections[0] += 1
            open_connections[1] = max(open_connections)
        try:
            with conn:
                conn.settimeout(seconds_per_byte)
                try:
                    conn.recv(65536)
                except TimeoutError:
                    pass
                conn.sendall(at_once)
                for byte in dripped:
                    if stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(seconds_per_byte)
                while not stop.is_set():  # then silence, until the client lets go
                    try:
                        if conn.recv(65536) == b"":
                            return
                    except TimeoutError:
                        pass
        except OSError:
            return  # the client shut the connection
        finally:
            with lock:
                open_connections[0] -= 1

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], open_connections
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
