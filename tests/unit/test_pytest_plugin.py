"""The pytest plugin in a consumer's run: registered through its entry point, one server per
pytest-xdist worker, reset between tests."""

from __future__ import annotations

import os
import re
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


OWN_FIXTURES_TEST = """
def test_only_my_tenant(mockserver):
    tenants = [t["tenant"] for t in mockserver.call("GET", "/_mock/tenants")["seekpass"]]
    assert tenants == ["seekpass:mine"]
"""
MINE = "accounts:\n  - id: mine\n    clients: [{client_id: c, client_secret: s}]\n"


def _consumer_run(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
    )


def test_fixtures_dir_from_option_ini_or_environment(tmp_path: Path) -> None:
    (tmp_path / "test_mine.py").write_text(OWN_FIXTURES_TEST)
    mine = tmp_path / "my-fixtures"
    mine.mkdir()
    (mine / "seekpass.yaml").write_text(MINE)
    by_option = _consumer_run(tmp_path, "--mockserver-fixtures-dir", str(mine), "test_mine.py")
    assert by_option.returncode == 0, by_option.stdout + by_option.stderr
    by_env = _consumer_run(tmp_path, "test_mine.py", env={"MOCKSERVER_FIXTURES_DIR": str(mine)})
    assert by_env.returncode == 0, by_env.stdout + by_env.stderr
    (tmp_path / "pytest.ini").write_text("[pytest]\nmockserver_fixtures_dir = my-fixtures\n")
    by_ini = _consumer_run(tmp_path, "test_mine.py")
    assert by_ini.returncode == 0, by_ini.stdout + by_ini.stderr
    # A folder with a mistake: the session's error names the file and the place.
    (mine / "seekpass.yaml").write_text("accounts: [{id: mine, clientz: []}]\n")
    broken = _consumer_run(tmp_path, "test_mine.py")
    assert broken.returncode != 0
    assert "seekpass.yaml: accounts[0].clientz: unknown key" in broken.stdout


ISOLATION_TEST = """
import requests

def test_1_loads_its_own_fixtures_and_makes_state(mockserver):
    mockserver.fixtures({"seekpass": {"accounts": [
        {"id": "mine", "clients": [{"client_id": "c", "client_secret": "s"}]}]}})
    assert [t["tenant"] for t in mockserver.credentials["seekpass"]] == ["seekpass:mine"]
    requests.get(mockserver.url("vec", "/business/certificate-vault"),
                 headers={"Authorization": "Bearer vec-demo-full-token"}, timeout=10)

def test_2_sees_what_test_1_left(mockserver):
    tenants = [t["tenant"] for t in mockserver.credentials["seekpass"]]
    print("TENANTS", tenants, "COUNT", mockserver.count(), "HTTP",
          mockserver.call("GET", "/_mock/health")["http"])
"""


def _report(done: subprocess.CompletedProcess) -> str:
    found = re.search(r"TENANTS .*", done.stdout)  # printed after pytest's progress dot
    assert found, done.stdout + done.stderr
    return found.group(0)


def test_each_test_starts_from_the_sessions_fixtures(tmp_path: Path) -> None:
    (tmp_path / "test_isolation.py").write_text(ISOLATION_TEST)
    done = _consumer_run(tmp_path, "-s", "test_isolation.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "seekpass:mine" not in _report(done)
    assert "seekpass:demo-university" in _report(done)
    assert "COUNT 0 HTTP waitress" in _report(done)


def test_reset_off_and_the_http_layer_from_ini_and_command_line(tmp_path: Path) -> None:
    (tmp_path / "test_isolation.py").write_text(ISOLATION_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmockserver_reset = off\n")
    kept = _consumer_run(tmp_path, "-s", "test_isolation.py")
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "['seekpass:mine'] COUNT 1" in _report(kept)  # nothing was put back
    on_again = _consumer_run(tmp_path, "-s", "--mockserver-reset", "on", "test_isolation.py")
    assert "COUNT 0" in _report(on_again)  # the command line wins over the ini file

    (tmp_path / "pytest.ini").write_text("[pytest]\nmockserver_http = granian\n")
    granian = _consumer_run(tmp_path, "-s", "test_isolation.py")
    assert granian.returncode == 0, granian.stdout + granian.stderr
    assert "COUNT 0 HTTP granian" in _report(granian)

    (tmp_path / "pytest.ini").write_text("[pytest]\nmockserver_http = tornado\n")
    wrong = _consumer_run(tmp_path, "test_isolation.py")
    assert wrong.returncode == 4  # pytest's usage error, before any test runs
    assert "mockserver_http must be one of waitress, granian, not 'tornado'" in wrong.stderr
    assert "Traceback" not in wrong.stderr
