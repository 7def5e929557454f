"""A shared store that goes away and comes back (PostgreSQL stopped, restarted): requests that
need it answer 503 with Retry-After in the provider's envelope, never a 500; the journal keeps
the entries it could not store and stores them once PostgreSQL answers again; nothing else is
needed for the server to answer as before (core/store_outage.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.live import LiveServer
from tests.pg_round_trips import CountingProxy, through
from tests.postgres import empty_pg_url

AUTH = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture
def relayed() -> Iterator[tuple[LiveServer, CountingProxy]]:
    url = empty_pg_url()
    with CountingProxy(urlsplit(url).port or 5432) as proxy:
        with LiveServer(args=["--store-url", through(url, proxy.port)]) as server:
            yield server, proxy


def _create(base: str, email: str) -> requests.Response:
    body = {"credential": {"recipient": {"name": "Outage", "email": email}, "group_id": 9001}}
    return requests.post(f"{base}/accredible/v1/credentials", json=body, headers=AUTH, timeout=30)


def _until_answered(call, deadline_seconds: float = 15.0) -> requests.Response:
    """The first answer that is not a 503 (the store came back), within the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        response = call()
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_requests_answer_503_while_the_store_is_away_and_as_before_once_it_is_back(
    relayed,
) -> None:
    server, proxy = relayed
    base = server.base_url
    assert _create(base, "before@example.com").status_code == 200

    proxy.cut()
    refused = _create(base, "during@example.com")
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["Content-Type"].startswith("application/json")
    assert refused.json() == {"errors": "Internal server error"}  # Accredible's 5xx body
    reset = requests.post(f"{base}/_mock/reset", headers=server.control_headers, timeout=30)
    assert reset.status_code == 503 and reset.headers["Retry-After"] == "1"
    assert "PostgreSQL" in reset.text  # the control plane says why
    logged = server.more_output("answered 503")
    assert any("store unavailable on POST /accredible/v1/credentials" in line for line in logged)

    proxy.refusing = False
    after = _until_answered(lambda: _create(base, "after@example.com"))
    assert after.status_code == 200, after.text
    listed = requests.get(
        f"{base}/accredible/v1/all_credentials", params={"page_size": 10}, headers=AUTH, timeout=30
    ).json()
    emails = sorted(c["recipient"]["email"] for c in listed["credentials"])
    assert emails == ["after@example.com", "before@example.com"]  # the refused one never made

    journal = requests.get(
        f"{base}/_mock/requests",
        params={"path": "/accredible/v1/credentials"},
        headers=server.control_headers,
        timeout=30,
    ).json()
    answered = [(entry["status"], entry["provider"]) for entry in journal["requests"]]
    # Every answer the server gave is in the journal, those of the outage too.
    assert answered.count((200, "accredible")) == 2, answered
    assert set(answered) == {(200, "accredible"), (503, "accredible")}, answered
    server.more_output("(nothing: the lines printed so far)", timeout=1.0)
    # No request failed as the mock's own fault (a 500 logs "unhandled error" and its
    # traceback). A background job that found PostgreSQL away is logged with its traceback
    # once, if a pass came in the moment it was away: not the requests' business here.
    assert "unhandled error" not in "".join(server.output)


def test_the_journal_keeps_what_it_could_not_store_until_the_store_answers(relayed) -> None:
    server, proxy = relayed
    base = server.base_url
    proxy.cut()
    # Read from the server's own cache or refused: either way the request is journalled.
    for _ in range(3):
        requests.get(f"{base}/accredible/v1/issuer/details", headers=AUTH, timeout=30)
    time.sleep(0.5)  # the writer's first try fails while the relay refuses
    proxy.refusing = False
    journal = _until_answered(
        lambda: requests.get(
            f"{base}/_mock/requests",
            params={"path": "/accredible/v1/issuer/details"},
            headers=server.control_headers,
            timeout=30,
        )
    )
    assert journal.status_code == 200, journal.text
    assert len(journal.json()["requests"]) == 3
    logged = "".join(server.more_output("journal: the store answers again"))
    assert "journal: the store cannot be reached" in logged
    assert "journal: the store answers again" in logged


def test_a_server_stopped_while_the_store_is_away_says_what_its_journal_could_not_keep(
    relayed,
) -> None:
    server, proxy = relayed
    proxy.cut()
    answer = requests.get(
        f"{server.base_url}/accredible/v1/issuer/details", headers=AUTH, timeout=30
    )
    assert answer.status_code == 503
    server.more_output("journal: the store cannot be reached")
    server.stop()
    assert server.process is not None and server.process.returncode == 0
    logged = "".join(server.output + server.more_output("(to the end of its output)"))
    assert re.search(
        r"journal: \d+ entries could not be stored: the store cannot be reached", logged
    )
