"""mockserver as a stranger gets it: the wheel installed (not editable) into a fresh venv
outside the checkout, run from another folder. It must serve the same tenants as a checkout,
find its contracts, and carry the pytest plugin that the example consumer suite uses.

Installing the wheel's dependencies needs PyPI (or pip's cache): without it these tests skip,
unless MOCKSERVER_REQUIRE_PACKAGING is set (`.ci/run` sets it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockserver import __version__
from tests.e2e.live import LiveServer
from tests.system import require

REPO = Path(__file__).resolve().parents[2]
PROVIDERS = ("seekpass", "vec", "accredible", "springest")


def clean_env() -> dict[str, str]:
    """This environment without anything that would lead Python back to the checkout."""
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV") and not key.startswith("MOCKSERVER_")
    }


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv (outside the checkout) with the wheel, pytest and requests installed."""
    root = tmp_path_factory.mktemp("stranger")
    subprocess.run(["python3", "-m", "venv", str(root / "venv")], check=True, timeout=120)
    bin_dir = root / "venv" / "bin"
    done = subprocess.run(
        [str(bin_dir / "pip"), "install", "-q", str(wheel), "pytest", "requests"],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(),
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        require("packaging", f"pip could not install the wheel's dependencies ({last})")
    yield bin_dir


def test_wheel_and_sdist_carry_fixtures_contracts_and_license(dist: Path, wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for provider in PROVIDERS:
        assert f"mockserver/fixtures/{provider}.yaml" in names
        assert f"mockserver/contracts/{provider}.openapi.yaml" in names
    assert "mockserver/contracts/control.openapi.yaml" in names
    # The pages: the dashboard, its script, and SEEK Pass's stand-in page.
    assert {
        "mockserver/control/templates/dashboard.html",
        "mockserver/control/templates/request.html",
        "mockserver/control/static/dashboard.js",
        "mockserver/providers/seekpass/templates/seekpass_stand_in.html",
    } <= names
    assert f"mockserver-{__version__}.dist-info/licenses/LICENSE" in names
    (sdist,) = dist.glob("mockserver-*.tar.gz")
    members = {name.split("/", 1)[1] for name in tarfile.open(sdist).getnames() if "/" in name}
    assert {"LICENSE", "fixtures/accredible.yaml", "contracts/vec.openapi.yaml"} <= members


def test_commands_from_another_folder(venv: Path, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(venv / "mockserver"), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=clean_env(),
        )

    assert run("--version").stdout.strip() == f"mockserver {__version__}"
    contracts = run("contracts")
    assert contracts.returncode == 0, contracts.stdout + contracts.stderr
    expected = [word for p in (*PROVIDERS, "control") for word in (f"{p}:", "ok")]
    assert contracts.stdout.split() == expected
    checked = run("fixtures", "check")
    assert checked.returncode == 0 and checked.stdout.strip().endswith("ok (8 tenants)")
    assert "site-packages/mockserver/fixtures" in checked.stdout


def test_serve_from_another_folder_lists_every_tenant_and_answers(
    venv: Path, tmp_path: Path
) -> None:
    # Fixtures of the user's own in the working folder are not read unasked, but named.
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "seekpass.yaml").write_text("accounts: []\n")
    server = LiveServer(command=[str(venv / "mockserver"), "serve"], cwd=tmp_path)
    server.env = {"PYTHONPATH": ""}
    with server:
        printed = "".join(server.output)
        assert "site-packages/mockserver/fixtures" in printed
        assert "note: ./fixtures is not read; pass --fixtures-dir ./fixtures" in printed
        tenants = requests.get(f"{server.base_url}/_mock/tenants", timeout=10).json()
        assert {name: len(tenants[name]) for name in PROVIDERS} == {
            "seekpass": 2,
            "vec": 2,
            "accredible": 2,
            "springest": 2,
        }
        for tenant in tenants["accredible"]:
            assert f"tenant {tenant['tenant']}:" in printed
        # The README's first Accredible call, as pasted.
        made = requests.post(
            f"{server.base_url}/accredible/v1/credentials",
            headers={"Authorization": "Token token=accredible-demo-key"},
            json={
                "credential": {
                    "recipient": {"name": "Ann Lee", "email": "ann@example.com"},
                    "group_id": 9001,
                }
            },
            timeout=10,
        )
        assert made.status_code == 200, made.text
        served = requests.get(f"{server.base_url}/_mock/contracts", timeout=10).json()
        assert {item["name"] for item in served["contracts"]} >= set(PROVIDERS)
        # The pages render from the installed package as from a checkout.
        page = requests.get(f"{server.base_url}/_mock/", timeout=10)
        assert page.status_code == 200 and 'id="panel-seekpass"' in page.text
        script = requests.get(f"{server.base_url}/_mock/ui/dashboard.js", timeout=10)
        assert script.status_code == 200 and "liveRequests" in script.text
        stand_in = requests.get(f"{server.base_url}/seekpass/partner/add/batch", timeout=10)
        assert stand_in.status_code == 200 and "mock-banner" in stand_in.text


def test_the_example_consumer_suite_passes_on_the_installed_plugin(
    venv: Path, tmp_path: Path
) -> None:
    suite = tmp_path / "consumer"
    shutil.copytree(REPO / "examples" / "credential_sync", suite)
    done = subprocess.run(
        [str(venv / "pytest"), "-q", "-p", "no:cacheprovider", str(suite)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=suite,
        env=clean_env(),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
