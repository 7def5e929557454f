"""Limits a laptop's sandbox keeps whatever a client sends (waitress layer): a body far past
every limit is refused on its Content-Length before it is spooled; connections that trickle
cannot lock other clients out; Prefer: delay holds at most a few threads and only on served
routes, so health keeps answering."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.live import LiveServer


def _raw_accredible_post(server: LiveServer, rest: bytes) -> socket.socket:
    """A connection that has sent an authorised Accredible create, its framing headers and
    body as `rest` gives them (what no HTTP client library would send)."""
    host, port = server.base_url.rsplit("/", 1)[1].split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    connection.sendall(
        b"POST /accredible/v1/credentials HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Token token=accredible-demo-key\r\n"
        b"Content-Type: application/json\r\n" + rest
    )
    return connection


def _read_answer(connection: socket.socket) -> bytes:
    """One HTTP answer: its head, then as many body bytes as its Content-Length says."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += connection.recv(4096)
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(4096)
    return head + b"\r\n\r\n" + body


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_a_body_far_past_every_limit_is_refused_before_it_is_read(layer: str) -> None:
    """waitress refuses it on its Content-Length; Granian streams the body to the app, which
    refuses it on the same header (nothing is buffered: measured, RSS unchanged)."""
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        with _raw_accredible_post(server, b"Content-Length: 1000000000\r\n\r\n{") as sent:
            answer = _read_answer(sent)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
        assert answer.rstrip().endswith(b"}")  # Accredible's own JSON envelope, on both layers
        assert b'"errors"' in answer
        assert requests.get(f"{server.base_url}/_mock/health", timeout=10).status_code == 200
        journal = requests.get(f"{server.base_url}/_mock/requests/count?status=413", timeout=10)
        assert journal.json()["count"] == 1


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_slow_clients_do_not_lock_others_out(layer: str) -> None:
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        host, port = server.base_url.rsplit("/", 1)[1].split(":")
        slow = []
        try:
            for _ in range(150):  # more than waitress's default connection limit of 100
                connection = socket.create_connection((host, int(port)), timeout=5)
                connection.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                slow.append(connection)  # headers never finished
            started = time.monotonic()
            assert requests.get(f"{server.base_url}/_mock/health", timeout=10).status_code == 200
            assert time.monotonic() - started < 5
        finally:
            for connection in slow:
                connection.close()


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_delays_hold_few_threads_and_only_on_served_routes(layer: str) -> None:
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        base = server.base_url

        def delayed(path: str) -> requests.Response:
            return requests.get(base + path, headers={"Prefer": "delay=3000"}, timeout=30)

        with ThreadPoolExecutor(max_workers=8) as pool:
            unknown = [pool.submit(delayed, "/accredible/no/such/route") for _ in range(8)]
            time.sleep(0.3)
            started = time.monotonic()
            assert requests.get(f"{base}/_mock/health", timeout=10).status_code == 200
            assert time.monotonic() - started < 1
            assert all(f.result().status_code == 404 for f in unknown)
            served = [pool.submit(delayed, "/accredible/v1/issuer/details") for _ in range(8)]
            time.sleep(0.3)
            started = time.monotonic()
            assert requests.get(f"{base}/_mock/health", timeout=10).status_code == 200
            assert time.monotonic() - started < 1  # 4 of 8 threads wait, the rest answer
            answers = [f.result() for f in served]
        applied = [a.headers.get("Preference-Applied") for a in answers]
        assert applied.count("delay=3000") == 4, applied  # half the threads (8 // 2)


FORM_ROUTES = [
    ("/seekpass/api/partner/v1/oauth/token.json", {}),
    ("/accredible/v1/credentials", {"Authorization": "Token token=accredible-demo-key"}),
    (
        "/vec/business/certificate-vault/upload-file",
        {"Authorization": "Bearer vec-demo-full-token"},
    ),
    ("/springest/users/certificates.json?api_key=springest-certificates-key", {}),
]


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_large_form_fields_never_make_a_5xx(layer: str) -> None:
    """A form field past werkzeug's 500 kB default was a 500 on every provider: the journal
    read the form again after the limit had fired."""
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        for path, headers in FORM_ROUTES:
            for size in (1024 * 1024, 12 * 1024 * 1024):
                field = "x" * size
                encoded = requests.post(
                    server.base_url + path, data={"note": field}, headers=headers, timeout=60
                )
                multipart = requests.post(
                    server.base_url + path,
                    files={"note": (None, field)},
                    headers=headers,
                    timeout=60,
                )
                for answer in (encoded, multipart):
                    assert answer.status_code < 500, (path, size, answer.text[:200])
        count = requests.get(f"{server.base_url}/_mock/requests/count?status=5xx", timeout=10)
        assert count.json()["count"] == 0
        assert (
            requests.get(f"{server.base_url}/_mock/requests/count", timeout=10).json()["count"]
            == 4 * 2 * 2
        )


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_a_malformed_chunked_body_is_the_providers_own_4xx(layer: str) -> None:
    """waitress used to answer its own plain-text 400, and Granian's WSGI interface handed the
    app an empty body (so Accredible's validation answered 422). Now both layers answer the
    framing error the same way: 400 in the provider's envelope, and the connection closed
    (nothing after the broken body is read as another request)."""
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        chunked = (
            b"Transfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n"
            b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        with _raw_accredible_post(server, chunked) as sent:
            answer = b""
            while chunk := sent.recv(4096):
                answer += chunk
        status = int(answer.split(b" ", 2)[1])
        assert status == 400, answer[:300]
        assert b'{"errors"' in answer, answer[-200:]
        assert answer.count(b"HTTP/1.1 ") == 1, answer  # the smuggled request was not served
        count = requests.get(f"{server.base_url}/_mock/requests/count?status=4xx", timeout=10)
        assert count.json()["count"] == 1


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_a_well_formed_chunked_body_is_read_whole_on_both_layers(layer: str) -> None:
    """The other side of the test above: a good chunked body (Go's and Node's HTTP clients
    stream so) is taken in whole, and an empty one (`0\\r\\n\\r\\n`, Node's POST with no body) is
    the provider's validation error, not a framing error."""
    body = (
        b'{"credential": {"recipient": {"name": "Chunk", "email": "c@example.com"}, '
        b'"group_id": 9001}}'
    )
    pieces = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:20], body[20:]))
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        with _raw_accredible_post(
            server, b"Transfer-Encoding: chunked\r\n\r\n" + pieces + b"0\r\n\r\n"
        ) as sent:
            whole = _read_answer(sent)
        assert whole.startswith(b"HTTP/1.1 200"), whole[:300]
        assert b'"c@example.com"' in whole
        with _raw_accredible_post(server, b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") as sent:
            empty = _read_answer(sent)
        assert empty.startswith(b"HTTP/1.1 422"), empty[:300]
