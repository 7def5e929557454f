"""The pytest plugin in a consumer's run: registered through its entry point, one server per
pytest-xdist worker, reset between tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CONSUMER_TEST = """
import os
import requests

def record(mockserver, name):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    out = os.path.join(os.environ["RECORD_DIR"], f"{worker}-{name}")
    with open(out, "w") as handle:
        handle.write(mockserver.base_url)

def test_a(mockserver):
    record(mockserver, "a")
    headers = {"Authorization": "Token token=accredible-demo-key"}
    assert requests.get(mockserver.url("accredible", "/v1/issuer/details"),
                        headers=headers, timeout=10).status_code == 200
    assert mockserver.count(provider="accredible") == 1

def test_b(mockserver):
    record(mockserver, "b")
    assert mockserver.count() == 0

def test_c(mockserver):
    record(mockserver, "c")
    assert mockserver.count() == 0

def test_d(mockserver):
    record(mockserver, "d")
    mockserver.add_fault(provider="vec", status=503)
    assert mockserver.call("GET", "/_mock/faults")["count"] == 1
"""


def test_plugin_gives_each_xdist_worker_its_own_server(tmp_path: Path) -> None:
    (tmp_path / "test_consumer.py").write_text(CONSUMER_TEST)
    records = tmp_path / "records"
    records.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_consumer.py"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "RECORD_DIR": str(records)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
    by_worker: dict[str, set[str]] = {}
    for path in records.iterdir():
        worker = path.name.split("-")[0]
        by_worker.setdefault(worker, set()).add(path.read_text())
    assert len(by_worker) == 2  # both workers ran tests
    servers = [urls for urls in by_worker.values()]
    assert all(len(urls) == 1 for urls in servers)  # one server per worker…
    assert servers[0] != servers[1]  # …and not the same one
