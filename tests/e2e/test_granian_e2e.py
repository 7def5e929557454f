"""`mockserver serve --http granian`: the providers' end-to-end flows again, behind Granian.

The flows are the other e2e modules' own tests, imported so that pytest runs them here with
this module's `server` fixture (a Granian-served sandbox): uploads through the embedded S3,
multipart, curl, webhooks, 50 MB bodies and 32-client races must behave the same on either
HTTP layer. Then what is Granian's own: its worker process stops with it, even after a
SIGKILL, state on --data-dir survives a restart, and what only waitress can do is refused
plainly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.live import REPO, LiveServer
from tests.e2e.test_abuse_e2e import (  # noqa: F401 (collected here, behind Granian)
    test_32_clients_share_the_springest_quota_exactly,
    test_fifty_megabyte_bodies_are_refused_in_the_providers_own_shape,
)
from tests.e2e.test_accredible_e2e import (  # noqa: F401
    test_seed_bulk_examples,
    test_seed_create_examples_answer_in_the_documented_shape,
    test_v2_bulk_of_30_with_3_duplicates_and_credits_for_20,
)
from tests.e2e.test_seekpass_e2e import (  # noqa: F401
    batch,
    test_each_asset_link_takes_the_right_file_and_the_upload_is_seen,
    test_seed_sample_returns_the_sample_responses_shape,
    test_wrong_content_type_tampered_and_expired_links_fail_as_s3_does,
)
from tests.e2e.test_springest_e2e import (  # noqa: F401
    test_31_posts_in_a_minute_verify_then_filter,
)
from tests.e2e.test_vec_e2e import (  # noqa: F401
    test_bulk_vault_flow_over_http,
    test_single_upload_with_curl_as_the_guide_shows,
)
from tests.e2e.test_webhooks_e2e import (  # noqa: F401
    test_a_partner_receives_and_verifies_a_signed_webhook,
)

ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture(scope="module")
def granian() -> Iterator[LiveServer]:
    with LiveServer(args=["--http", "granian"]) as live:
        yield live


@pytest.fixture
def server(granian: LiveServer) -> LiveServer:
    assert requests.post(f"{granian.base_url}/_mock/reset", timeout=10).status_code == 200
    return granian


def test_the_server_is_granian_and_network_faults_are_refused_plainly(server) -> None:
    url = f"{server.base_url}/accredible/v1/issuer/details"
    read = requests.get(url, headers=ACCREDIBLE, timeout=10)
    assert read.status_code == 200 and read.json()["issuer"]["name"] == "Demo Academy"
    assert read.headers["Server"] == "granian"
    assert requests.get(f"{server.base_url}/_mock/health", timeout=10).json()["http"] == "granian"
    refused = requests.get(url, headers={**ACCREDIBLE, "Prefer": "network=reset"}, timeout=10)
    assert refused.status_code == 501
    assert "waitress" in refused.json()["mock_error"]["message"]
    assert "Preference-Applied" not in refused.headers


def test_provider_ports_need_waitress() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--http", "granian", "--provider-ports"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--provider-ports needs the waitress" in done.stderr


def test_a_second_sandbox_on_a_busy_port_is_refused_not_merged(server) -> None:
    """Granian's worker binds with SO_REUSEPORT; without the check a second server would
    quietly take half the connections, with a state of its own."""
    port = server.base_url.rsplit(":", 1)[1]
    done = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--http", "granian", "--port", port],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "the port is already in use" in done.stderr
    assert "Traceback" not in done.stderr
    assert "mockserver ready" not in done.stdout


def _gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state == "Z":  # exited, waiting for its parent (this test) to reap it
            return True
        time.sleep(0.05)
    return False


def _port_closed(url: str) -> bool:
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex((host, int(port))) != 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_stops_with_its_parent_even_after_sigkill(tmp_path) -> None:
    live = LiveServer(args=["--http", "granian", "--data-dir", str(tmp_path)]).start()
    workers: list[int] = []
    try:
        assert live.process is not None
        workers = live.children()
        assert len(workers) == 1
        live.kill()
        assert _gone(workers[0], 15), "the worker outlived a SIGKILLed parent"
        assert _port_closed(live.base_url)
    finally:
        live.stop()
        for orphan in workers:  # if the test failed, leave nothing running
            if not _gone(orphan, 0.1):
                os.kill(orphan, signal.SIGKILL)


def test_state_on_a_data_dir_survives_a_granian_restart(tmp_path) -> None:
    args = ["--http", "granian", "--data-dir", str(tmp_path)]
    body = {"credential": {"recipient": {"name": "Kept", "email": "kept@example.com"}}}
    body["credential"]["group_id"] = 34
    with LiveServer(args=args) as first:
        created = requests.post(
            f"{first.base_url}/accredible/v1/credentials", json=body, headers=ACCREDIBLE, timeout=10
        )
        assert created.status_code == 200, created.text
        credential_id = created.json()["credential"]["id"]
        worker = first.children()[0]
    assert _gone(worker, 15)  # SIGTERM to Granian stopped its worker too
    with LiveServer(args=args) as second:
        read = requests.get(
            f"{second.base_url}/accredible/v1/credentials/{credential_id}",
            headers=ACCREDIBLE,
            timeout=10,
        )
        assert read.status_code == 200
        assert read.json()["credential"]["recipient"]["email"] == "kept@example.com"


def test_process_variables_named_like_headers_are_not_request_headers() -> None:
    """Granian copies the process environment into every request's environ."""
    env = {"HTTP_X_FROM_THE_SHELL": "not-a-header"}
    with LiveServer(args=["--http", "granian"], env=env) as live:
        sent = requests.get(
            f"{live.base_url}/accredible/v1/issuer/details",
            headers={**ACCREDIBLE, "X-Sent": "yes"},
            timeout=10,
        )
        assert sent.status_code == 200
        journal = requests.get(f"{live.base_url}/_mock/requests", timeout=10).json()
        entry = next(e for e in journal["requests"] if e["path"].endswith("/issuer/details"))
        names = {name.lower() for name in entry["headers"]}
        assert "x-sent" in names and "x-from-the-shell" not in names


def test_idle_keep_alive_connections_never_starve_other_clients() -> None:
    """Granian's backpressure counts connections: with it at the thread count, 8 idle pooled
    connections froze every other client, health included. 32 are held open here."""
    with LiveServer(args=["--http", "granian", "--quiet"]) as server:
        host, port = server.base_url.rsplit("/", 1)[1].split(":")
        idle = []
        try:
            for _ in range(32):
                connection = socket.create_connection((host, int(port)), timeout=5)
                connection.sendall(f"GET /_mock/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                assert connection.recv(65536).startswith(b"HTTP/1.1 200")
                idle.append(connection)  # kept open, idle, as a connection pool keeps it
            started = time.monotonic()
            for _ in range(20):
                assert requests.get(f"{server.base_url}/_mock/health", timeout=5).status_code == 200
            assert time.monotonic() - started < 5
        finally:
            for connection in idle:
                connection.close()
