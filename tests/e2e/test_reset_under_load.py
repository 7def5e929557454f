"""A QA engineer resets the sandbox while a load test runs through the same server: no request
may see the sandbox without its fixtures. A reset used to empty the store and write the
fixtures' records back in a transaction of its own; a request between the two found the
fixture group gone (Accredible's 422 Invalid Group, or a 404 for the group itself).

The same on a PostgreSQL store shared by two servers:
tests/e2e/test_postgres_e2e.py::test_resets_through_one_server_while_another_takes_writes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.e2e.live import LiveServer

AUTH = {"Authorization": "Token token=accredible-demo-key"}
SECONDS = 3.0


def _load(base: str, worker: int, stop: float) -> list[tuple[str, int]]:
    """Alternately create a credential in the fixture group and read the group."""
    answers = []
    number = 0
    with requests.Session() as session:
        while time.monotonic() < stop:
            number += 1
            body = {
                "credential": {
                    "recipient": {"name": "Load", "email": f"w{worker}-{number}@example.com"},
                    "group_id": 9001,
                }
            }
            made = session.post(
                f"{base}/accredible/v1/credentials", json=body, headers=AUTH, timeout=30
            )
            answers.append(("create", made.status_code))
            group = session.get(
                f"{base}/accredible/v1/issuer/groups/9001", headers=AUTH, timeout=30
            )
            answers.append(("group", group.status_code))
    return answers


@pytest.mark.parametrize("store", ["memory", "data-dir"])
def test_requests_during_resets_always_find_the_fixtures(store: str, tmp_path: Path) -> None:
    args = ["--data-dir", str(tmp_path)] if store == "data-dir" else []
    with LiveServer(args=args) as server:
        stop = time.monotonic() + SECONDS
        with ThreadPoolExecutor(max_workers=4) as pool:
            loads = [pool.submit(_load, server.base_url, worker, stop) for worker in range(4)]
            resets = []
            while time.monotonic() < stop:
                reset = requests.post(f"{server.base_url}/_mock/reset", timeout=30)
                resets.append(reset.status_code)
                time.sleep(0.05)
            answers = [answer for load in loads for answer in load.result()]
    assert len(resets) > 5 and set(resets) == {200}
    wrong = [answer for answer in answers if answer[1] != 200]
    assert answers and not wrong, f"{len(wrong)} of {len(answers)}: {sorted(set(wrong))}"
