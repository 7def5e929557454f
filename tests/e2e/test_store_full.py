"""A sandbox that a load test filled: the default store stops at --store-max-mb (or at a full
disk under its temporary file), writes answer 503 with Retry-After in the provider's envelope
and one log line that says what to do, reads go on, and a reset makes room again."""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.live import LiveServer

AUTH = {"Authorization": "Token token=accredible-demo-key"}
MOST_WRITES = 3000  # at ~1.6 KiB a credential, several times what 2 MiB holds


def _create(base: str, session: requests.Session, name: str) -> requests.Response:
    body = {
        "credential": {
            "recipient": {"name": name, "email": f"{uuid.uuid4().hex}@example.com"},
            "group_id": 9001,
        }
    }
    return session.post(f"{base}/accredible/v1/credentials", json=body, headers=AUTH, timeout=30)


def _fill_until_refused(server: LiveServer) -> requests.Response:
    with requests.Session() as session:
        for _ in range(MOST_WRITES):
            answer = _create(server.base_url, session, "N" + secrets.token_hex(600))
            if answer.status_code != 200:
                return answer
    raise AssertionError(f"{MOST_WRITES} credentials and the store never filled")


def _full_then_reset(server: LiveServer) -> None:
    refused = _fill_until_refused(server)
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "1"
    assert set(refused.json()) == {"errors"}  # Accredible's own envelope, not an HTML page
    logged = "".join(server.more_output("store full", timeout=5))
    assert "store full" in logged and "/_mock/reset" in logged and "Traceback" not in logged
    group = requests.get(f"{server.base_url}/accredible/v1/issuer/groups/9001", headers=AUTH)
    assert group.status_code == 200  # what is stored is still read

    reset = requests.post(f"{server.base_url}/_mock/reset", json={}, timeout=30)
    assert reset.status_code == 200, reset.text
    with requests.Session() as session:
        for _ in range(20):
            made = _create(server.base_url, session, "After the reset")
            assert made.status_code == 200, made.text


def test_the_store_stops_at_its_size_setting_and_a_reset_makes_room() -> None:
    with LiveServer(args=["--store-max-mb", "2", "--quiet"]) as server:
        _full_then_reset(server)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB file system of its own (tmpfs), where the server's temporary file goes."""
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_under_the_temporary_file_and_a_reset_that_frees_it(small_disk) -> None:
    """The reset's new database needs room the old file holds: the old one is closed first."""
    with LiveServer(
        args=["--store-memory-mb", "1", "--quiet"], env={"SQLITE_TMPDIR": str(small_disk)}
    ) as server:
        _full_then_reset(server)
