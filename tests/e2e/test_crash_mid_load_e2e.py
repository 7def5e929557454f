"""kill -9 in the middle of a load of creates: after a restart on the same --data-dir every
acknowledged create is there, and nothing is half-written (each stored credential still holds
its duplicate-rule key, and the credit balance matches the credentials that spent credits)."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.e2e.live import LiveServer

AUTH = {"Authorization": "Token token=accredible-demo-key"}


@pytest.mark.parametrize("http", ["waitress", "granian"])
def test_acknowledged_creates_survive_a_kill_in_mid_load(tmp_path, http) -> None:
    args = ["--data-dir", str(tmp_path), "--http", http]
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    with LiveServer(args=args) as first:
        url = f"{first.base_url}/accredible/v1/credentials"

        def client(worker: int) -> None:
            session = requests.Session()
            for n in range(10_000):
                if stop.is_set():
                    return
                email = f"w{worker}-{n}@example.com"
                body = {
                    "credential": {"recipient": {"name": "Load", "email": email}, "group_id": 9001}
                }
                try:
                    answer = session.post(url, json=body, headers=AUTH, timeout=5)
                except requests.RequestException:
                    return  # the server died under us: this one was never acknowledged
                if answer.status_code == 200:
                    with lock:
                        acknowledged.append(email)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        first.crash()  # SIGKILL while requests are in flight
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert len(acknowledged) > 20  # the kill really came mid-load

    with LiveServer(args=args) as second:
        base = f"{second.base_url}/accredible"
        stored = requests.get(
            f"{base}/v1/all_credentials", params={"page_size": 100000}, headers=AUTH, timeout=30
        ).json()["credentials"]
        emails = {c["recipient"]["email"] for c in stored}
        assert set(acknowledged) <= emails  # nothing acknowledged is lost
        assert len(emails) == len(stored)  # and nothing was stored twice
        published = sum(1 for c in stored if c["approve"])
        details = requests.get(f"{base}/v1/issuer/details", headers=AUTH, timeout=10).json()
        assert details["issuer"]["certificate_left"] == 1000 - published
        again = requests.post(
            f"{base}/v1/credentials",
            headers=AUTH,
            timeout=10,
            json={
                "credential": {
                    "recipient": {"name": "Load", "email": acknowledged[0]},
                    "group_id": 9001,
                }
            },
        )
        assert again.status_code == 422  # the duplicate-rule key was committed with it
