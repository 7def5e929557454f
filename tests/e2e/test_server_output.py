"""What `mockserver serve` tells its operator while it runs: one access line per request (text
or JSON, none with --quiet), a warning with the nearest route for a request that matched none,
every webhook attempt; and a `Date` header that follows the server clock."""

from __future__ import annotations

import json
import re
import socket
from email.utils import parsedate_to_datetime

import pytest
import requests

from tests.e2e.live import LiveServer
from tests.seekpass.helpers import http_token

ACCREDIBLE = {"Authorization": "Token token=accredible-demo-key"}


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_one_text_line_per_request_with_provider_tenant_rule_and_id(layer: str) -> None:
    with LiveServer(args=["--http", layer]) as server:
        base = server.base_url
        rule = requests.post(
            f"{base}/_mock/faults",
            json={"provider": "accredible", "path": "/accredible/v1/issuer/details", "status": 503},
            timeout=10,
        ).json()
        answer = requests.get(
            f"{base}/accredible/v1/issuer/details",
            headers={**ACCREDIBLE, "X-Request-Id": "trace-1"},
            timeout=10,
        )
        assert answer.status_code == 503
        lines = server.more_output(until="trace-1")
        line = next(text for text in lines if "trace-1" in text)
        assert re.search(
            r"GET /accredible/v1/issuer/details 503 [\d.]+ms accredible "
            rf"accredible:demo-academy code=503 rule={rule['id']} trace-1$",
            line.strip(),
        ), line
        # Control-plane calls are logged too (the rule's POST above).
        assert any("POST /_mock/faults 201" in text for text in server.output)


def test_json_lines_and_no_route_warning_with_the_nearest_route() -> None:
    with LiveServer(args=["--log-format", "json"]) as server:
        requests.get(
            f"{server.base_url}/accredible/v1/credentialz",
            headers={"X-Request-Id": "lost-1"},
            timeout=10,
        )
        requests.get(
            f"{server.base_url}/accredible/v1/issuer/details",
            headers={**ACCREDIBLE, "X-Request-Id": "json-1"},
            timeout=10,
        )
        texts = server.more_output(until="json-1")
        if not any("mockserver.routing" in text for text in texts):
            # The warning is written by a thread of its own, off the request's path (core/
            # access_log.py): it may come after the next request's line.
            texts += server.more_output(until="mockserver.routing")
        lines = [json.loads(text) for text in texts]
    warning = next(line for line in lines if line.get("logger") == "mockserver.routing")
    assert warning["level"] == "warning"
    assert warning["path"] == "/accredible/v1/credentialz"
    assert warning["nearest"]["route"] == "/accredible/v1/credentials"
    assert "nearest route: POST /accredible/v1/credentials" in warning["message"]
    access = next(line for line in lines if line.get("request_id") == "json-1")
    assert access["logger"] == "mockserver.access"
    assert (access["method"], access["status"], access["provider"], access["tenant"]) == (
        "GET",
        200,
        "accredible",
        "accredible:demo-academy",
    )
    assert access["ms"] >= 0 and access["time"].endswith("Z")


def test_quiet_prints_no_access_lines_but_still_warns() -> None:
    with LiveServer(args=["--quiet"]) as server:
        requests.get(f"{server.base_url}/_mock/health", timeout=10)
        requests.get(f"{server.base_url}/nowhere", timeout=10)
        lines = server.more_output(until="no route for GET /nowhere")
    assert any("WARNING no route for GET /nowhere" in line for line in lines)
    assert not any("/_mock/health" in line for line in lines)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_webhook_attempts_are_logged_with_their_failure() -> None:
    with LiveServer() as server:
        base = f"{server.base_url}/seekpass"
        headers = {"Authorization": f"Bearer {http_token(base)}"}
        dead = f"http://127.0.0.1:{_closed_port()}/hook"
        requests.post(
            f"{base}/api/partner/v2/webhooks", json={"url": dead}, headers=headers, timeout=10
        )
        created = requests.post(
            f"{base}/api/partner/v2/verify/requests/digital_identity.json",
            json={"request_id": "logged-hook"},
            headers=headers,
            timeout=10,
        ).json()
        content = created["redirect_uri"].rsplit("content=", 1)[1]
        requests.post(
            f"{server.base_url}/_mock/seekpass/requests/{content}/complete",
            json={"outcome": "verified"},
            timeout=10,
        )
        requests.post(f"{server.base_url}/_mock/webhooks/run", timeout=30)
        lines = server.more_output(until=f"-> {dead} attempt 1")
    line = next(text for text in lines if f"-> {dead} attempt 1" in text)
    assert "WARNING webhook seekpass" in line
    assert "failed: " in line and "(retrying)" in line


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_date_header_follows_the_server_clock(layer: str) -> None:
    with LiveServer(args=["--http", layer, "--quiet"]) as server:
        requests.post(
            f"{server.base_url}/_mock/clock",
            json={"set": "2031-05-06T07:08:09Z", "freeze": True},
            timeout=10,
        )
        for path, headers in (("/_mock/health", {}), ("/accredible/v1/issuer/details", ACCREDIBLE)):
            answer = requests.get(f"{server.base_url}{path}", headers=headers, timeout=10)
            dates = answer.raw.headers.getlist("Date")
            assert len(dates) == 1, dates  # the layer adds none of its own
            assert parsedate_to_datetime(dates[0]).isoformat() == "2031-05-06T07:08:09+00:00"
