"""A webhook attempt is bounded as a whole, not per read: a receiver that drips its header
lines, or never finishes a TLS handshake, is cut at the deadline; and one slow receiver holds
at most a couple of delivery threads, so other receivers keep getting their deliveries."""

from __future__ import annotations

import time

import pytest

from mockserver.core.clock import Clock
from mockserver.core.outbound_http import DeadlineExceeded, post_for_status
from mockserver.core.store import Store
from mockserver.core.webhooks import PER_RECEIVER, WebhookDispatcher
from tests.receiver import dripping_server, webhook_receiver

ENDLESS_HEADERS = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000


def test_a_receiver_dripping_its_headers_is_cut_at_the_deadline() -> None:
    with dripping_server(b"", ENDLESS_HEADERS, seconds_per_byte=0.2) as (port, _):
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            post_for_status(
                f"http://127.0.0.1:{port}/hook", b"{}", {}, read_timeout=5, deadline=1.0
            )
        # Each byte came within the read timeout, so only the deadline ended it.
        assert time.monotonic() - started < 4


def test_a_receiver_that_never_finishes_the_tls_handshake_is_cut_at_the_deadline() -> None:
    with dripping_server(b"", b"", seconds_per_byte=0.2) as (port, _):
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
            dripping_server(b"", ENDLESS_HEADERS, seconds_per_byte=0.5) as (port, open_connections),
            webhook_receiver() as healthy,
        ):
            for _ in range(40):  # more than the whole pool
                enqueue(f"http://127.0.0.1:{port}/hook")
            dispatcher.run_due(wait=False)
            enqueue(healthy.url)
            dispatcher.run_due(wait=False)
            for _ in range(50):  # up to 5 s; the slow ones hold on for the 10 s deadline
                # Delivered, not only received: the receiver has the request before the
                # dispatcher has read the answer and recorded it.
                if healthy.received and dispatcher.deliveries(status="delivered"):
                    break
                time.sleep(0.1)
            assert len(healthy.received) == 1
            assert [d["url"] for d in dispatcher.deliveries(status="delivered")] == [healthy.url]
            assert 1 <= open_connections[1] <= PER_RECEIVER  # never more at once
            statuses = [d["status"] for d in dispatcher.deliveries()]
            assert statuses.count("pending") == 40  # none attempted twice, none lost
    finally:
        dispatcher.close()
