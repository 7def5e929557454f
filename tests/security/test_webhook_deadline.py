"""A webhook attempt is bounded as a whole, not per read: a receiver that drips its header
lines, or never finishes a TLS handshake, is cut at the deadline; and one slow receiver holds
at most a couple of delivery threads, so other receivers keep getting their deliveries."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from mockserver.core.clock import Clock
from mockserver.core.outbound_http import DeadlineExceeded, post_for_status
from mockserver.core.store import Store
from mockserver.core.webhooks import PER_RECEIVER, WebhookDispatcher
from tests.receiver import webhook_receiver


@contextmanager
def slow_server(answer: bytes, seconds_per_byte: float) -> Iterator[tuple[int, list[int]]]:
    """Accepts connections and drips `answer` one byte at a time, forever (then keeps silent).

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
                for byte in answer:
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


ENDLESS_HEADERS = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000


def test_a_receiver_dripping_its_headers_is_cut_at_the_deadline() -> None:
    with slow_server(ENDLESS_HEADERS, seconds_per_byte=0.2) as (port, _):
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            post_for_status(
                f"http://127.0.0.1:{port}/hook", b"{}", {}, read_timeout=5, deadline=1.0
            )
        # Each byte came within the read timeout, so only the deadline ended it.
        assert time.monotonic() - started < 4


def test_a_receiver_that_never_finishes_the_tls_handshake_is_cut_at_the_deadline() -> None:
    with slow_server(b"", seconds_per_byte=0.2) as (port, _):
        with pytest.raises(DeadlineExceeded):
            post_for_status(
                f"https://127.0.0.1:{port}/hook", b"{}", {}, read_timeout=60, deadline=1.0
            )


def test_a_prompt_receiver_answers_its_status() -> None:
    with webhook_receiver(statuses=[409]) as receiver:
        status = post_for_status(receiver.url, b"{}", {}, read_timeout=5, deadline=5)
    assert status == 409
    assert receiver.received[0].body == b"{}"


def test_one_slow_receiver_does_not_hold_back_another_receivers_deliveries() -> None:
    store = Store()
    dispatcher = WebhookDispatcher(store, Clock())
    dispatcher.register_signer("none", lambda secret, body, at: {})

    def enqueue(url: str) -> None:
        dispatcher.enqueue(
            tenant="t", provider="p", url=url, event="e", payload={}, signer="none", secret=""
        )

    try:
        with (
            slow_server(ENDLESS_HEADERS, seconds_per_byte=0.5) as (port, open_connections),
            webhook_receiver() as healthy,
        ):
            for _ in range(40):  # more than the whole pool
                enqueue(f"http://127.0.0.1:{port}/hook")
            dispatcher.run_due(wait=False)
            enqueue(healthy.url)
            dispatcher.run_due(wait=False)
            for _ in range(50):  # up to 5 s; the slow ones hold on for the 10 s deadline
                if healthy.received:
                    break
                time.sleep(0.1)
            assert len(healthy.received) == 1
            assert 1 <= open_connections[1] <= PER_RECEIVER  # never more at once
            statuses = [d["status"] for d in dispatcher.deliveries()]
            assert statuses.count("pending") == 40  # none attempted twice, none lost
    finally:
        dispatcher.close()
