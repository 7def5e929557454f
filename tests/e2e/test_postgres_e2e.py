"""Two `mockserver serve` processes on one PostgreSQL store: one sandbox behind two
addresses. The duplicate rule and the id counters hold across the processes."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from mockserver.core.store import Store
from tests.e2e.live import LiveServer
from tests.postgres import pg_url

AUTH = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture
def two_servers() -> Iterator[tuple[LiveServer, LiveServer]]:
    url = pg_url()
    store = Store(url)
    store.clear()
    store.close()
    with LiveServer(args=["--store-url", url]) as first:
        with LiveServer(args=["--store-url", url]) as second:
            yield first, second


def _create(base: str, email: str) -> int:
    body = {"credential": {"recipient": {"name": "Race", "email": email}, "group_id": 9001}}
    return requests.post(
        f"{base}/accredible/v1/credentials", json=body, headers=AUTH, timeout=30
    ).status_code


def test_32_clients_on_two_servers_one_duplicate_winner(two_servers) -> None:
    first, second = two_servers
    bases = [first.base_url, second.base_url] * 16
    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(lambda base: _create(base, "same@example.com"), bases))
    assert sorted(codes) == [200] + [422] * 31
    for server in (first, second):
        listed = requests.get(
            f"{server.base_url}/accredible/v1/all_credentials",
            params={"email": "same@example.com"},
            headers=AUTH,
            timeout=30,
        )
        assert listed.json()["meta"]["total_count"] == 1  # both addresses see the one winner


def test_ids_stay_unique_across_processes(two_servers) -> None:
    first, second = two_servers
    jobs = [
        (base, f"learner{i}@example.com")
        for i, base in enumerate([first.base_url, second.base_url] * 16)
    ]
    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(lambda job: _create(*job), jobs))
    assert codes == [200] * 32
    listed = requests.get(
        f"{second.base_url}/accredible/v1/all_credentials",
        params={"page_size": 100},
        headers=AUTH,
        timeout=30,
    ).json()
    ids = [c["id"] for c in listed["credentials"]]
    assert len(ids) == 32 and len(set(ids)) == 32
    details = requests.get(
        f"{first.base_url}/accredible/v1/issuer/details", headers=AUTH, timeout=30
    ).json()
    assert details["issuer"]["certificate_left"] == 1000 - 32  # no credit spent twice
