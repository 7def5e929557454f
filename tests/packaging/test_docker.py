"""The Docker image as `.ci/run` builds it: from a wheelhouse, with no network during the
build, on a base image made locally (debootstrap + docker import: no registry is reachable
here). The container, on the host's loopback, must answer as the wheel does.

Needs a Docker daemon and the base image (MOCKSERVER_DOCKER_BASE, default
local/debian-python:bookworm); without them this skips, unless MOCKSERVER_REQUIRE_DOCKER is
set (`.ci/run` sets it after starting dockerd and importing the base)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockserver import __version__
from tests.system import require

REPO = Path(__file__).resolve().parents[2]
BASE = os.environ.get("MOCKSERVER_DOCKER_BASE", "local/debian-python:bookworm")
CONTEXT_FILES = [
    "Dockerfile",
    ".dockerignore",
    "pyproject.toml",
    "setup.py",
    "README.md",
    "LICENSE",
    "mockserver",
    "fixtures",
    "contracts",
    "wheels/README.md",
]


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=check
    )


def _docker_missing() -> str | None:
    if shutil.which("docker") is None:
        return "no docker command"
    if docker("info", check=False, timeout=30).returncode != 0:
        return "no Docker daemon answers (dockerd --bridge=none --iptables=false)"
    if docker("image", "inspect", BASE, check=False, timeout=30).returncode != 0:
        return f"no base image {BASE} (see .ci/run: debootstrap, then docker import)"
    return None


@pytest.fixture(scope="module")
def image(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require("docker", _docker_missing())
    context = tmp_path_factory.mktemp("docker-context")
    for name in CONTEXT_FILES:
        source, target = REPO / name, context / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    made = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(context / "wheels"), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if made.returncode != 0:
        require("docker", f"pip could not make the wheelhouse ({made.stderr.strip()[-200:]})")
    tag = f"mockserver-test:{uuid.uuid4().hex[:8]}"
    built = docker(
        "build",
        "--network",
        "none",
        "--build-arg",
        f"BASE={BASE}",
        "-t",
        tag,
        str(context),
        timeout=900,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    try:
        yield tag
    finally:
        docker("image", "rm", "-f", tag, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_container_answers_as_the_wheel_does(image: str) -> None:
    port = _free_port()
    name = f"mockserver-test-{uuid.uuid4().hex[:8]}"
    docker(
        "run",
        "-d",
        "--rm",
        "--name",
        name,
        "--network",
        "host",
        "-e",
        "MOCKSERVER_HOST=127.0.0.1",
        "-e",
        f"MOCKSERVER_PORT={port}",
        image,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/_mock/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        health = requests.get(f"{base}/_mock/health", timeout=5).json()
        assert health["version"] == __version__
        assert docker("exec", name, "python3", "-m", "mockserver.healthcheck").returncode == 0
        assert docker("exec", name, "id", "-u").stdout.strip() == "10001"  # not root
        tenants = requests.get(f"{base}/_mock/tenants", timeout=5).json()
        assert {provider: len(found) for provider, found in tenants.items()} == {
            "seekpass": 2,
            "vec": 2,
            "accredible": 2,
            "springest": 2,
        }
        # One request per provider.
        token = requests.post(
            f"{base}/seekpass/api/partner/v1/oauth/token.json",
            data={
                "grant_type": "client_credentials",
                "client_id": "seekpass-demo-client",
                "client_secret": "seekpass-demo-secret",
            },
            timeout=10,
        ).json()["access_token"]
        vec = requests.get(
            f"{base}/vec/business/certificate-vault",
            headers={"Authorization": "Bearer vec-demo-full-token"},
            timeout=10,
        )
        assert vec.status_code == 200
        accredible = requests.get(
            f"{base}/accredible/v1/issuer/details",
            headers={"Authorization": "Token token=accredible-demo-key"},
            timeout=10,
        )
        assert accredible.json()["issuer"]["name"] == "Demo Academy"
        springest = requests.get(
            f"{base}/springest/certifications.json?api_key=springest-certifications-key",
            timeout=10,
        )
        assert springest.status_code == 200
        # One presigned upload into the container's embedded S3.
        batch = requests.post(
            f"{base}/seekpass/api/partner/v2/add/requests/batch.json",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "credential_id": "docker-1",
                "education_items": [
                    {
                        "credential_id": "docker-1-edu",
                        "fields": {
                            "full_name": "Ann Lee",
                            "education_provider": "Uni",
                            "course_name": "BSc",
                            "conferral_year": "2024",
                        },
                        "assets": [{"asset_id": "docker-1-pdf", "asset_type": "pdf"}],
                    }
                ],
            },
            timeout=10,
        )
        assert batch.status_code == 201, batch.text
        link = batch.json()["asset_uploads"][0]["url"]
        assert link.startswith(base)
        put = requests.put(
            link, data=b"%PDF-1.4\n%%EOF\n", headers={"Content-Type": "application/pdf"}, timeout=10
        )
        assert put.status_code == 200, put.text
        uploads = requests.get(f"{base}/_mock/uploads?status=uploaded", timeout=5).json()
        assert uploads["count"] == 1
        logs = docker("logs", name).stdout
        assert "mockserver ready" in logs and "GET /_mock/tenants 200" in logs
    finally:
        stopped = docker("stop", "-t", "10", name, check=False, timeout=60)
        assert stopped.returncode == 0, stopped.stderr
