"""Webhook deliveries under hostile or slow receivers, and across a reset: a receiver that
drips its answer cannot hold a delivery thread past the attempt timeout, and a reset while
attempts are under way leaves no delivery behind (one test's webhooks never reach the next)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.receiver import dripping_server, webhook_receiver
from tests.seekpass.helpers import auth, token

HOOKS = "/seekpass/api/partner/v2/webhooks"
VERIFY = "/seekpass/api/partner/v2/verify/requests/digital_identity.json"


@contextmanager
def dripping_receiver(seconds_per_byte: float) -> Iterator[str]:
    """A receiver that answers its status line at once, then one body byte at a time."""
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    with dripping_server(head, b"x" * 1000, seconds_per_byte) as (port, _):
        yield f"http://127.0.0.1:{port}/hook"


def _verified_request(client, headers, request_id: str) -> None:
    created = client.post(VERIFY, json={"request_id": request_id}, headers=headers).get_json()
    content = created["redirect_uri"].rsplit("content=", 1)[1]
    client.post(f"/_mock/seekpass/requests/{content}/complete", json={"outcome": "verified"})


def test_a_dripping_receiver_is_delivered_by_its_status_line(client) -> None:
    headers = auth(token(client))
    with dripping_receiver(seconds_per_byte=1.0) as url:
        client.post(HOOKS, json={"url": url}, headers=headers)
        _verified_request(client, headers, "drip-1")
        started = time.monotonic()
        client.post("/_mock/webhooks/run")
        assert time.monotonic() - started < 5  # not 1,000 s of dripping
    deliveries = client.get("/_mock/webhooks").get_json()["deliveries"]
    assert [d["status"] for d in deliveries] == ["delivered"]


def test_a_reset_leaves_no_delivery_that_was_under_way(client) -> None:
    headers = auth(token(client))
    with webhook_receiver(delay=1.0) as receiver:
        client.post(HOOKS, json={"url": receiver.url}, headers=headers)
        for index in range(4):
            _verified_request(client, headers, f"reset-{index}")
        runner = threading.Thread(target=lambda: client.post("/_mock/webhooks/run"))
        runner.start()
        time.sleep(0.3)  # the attempts are under way, the receiver holds them
        assert client.post("/_mock/reset").status_code == 200
        runner.join(timeout=10)
        time.sleep(0.5)
    assert client.get("/_mock/webhooks").get_json()["count"] == 0
    assert client.get("/_mock/state?kind=webhook_delivery").get_json()["count"] == 0
