"""Every mistake an operator can make starting `mockserver` is one line on standard error
that names the cause and what to do, and exit code 2: never a traceback, on either HTTP
layer."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.resources import default_fixtures_dir


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def assert_one_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("mockserver: error: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    for source in default_fixtures_dir().glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    return folder


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_port_in_use(layer: str, busy_port: int) -> None:
    done = run("serve", "--http", layer, "--port", str(busy_port))
    assert_one_line(done, f"127.0.0.1:{busy_port}", "already in use", "--port")


@pytest.mark.parametrize("layer", ["waitress", "granian"])
@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_host_that_cannot_be_bound(layer: str, host: str) -> None:
    done = run("serve", "--http", layer, "--host", host, "--port", "0")
    assert_one_line(done, host, "--host")


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--port", "99999"], {}, ["--port", "between 0 and 65535", "99999"]),
        (["--port", "-1"], {}, ["--port", "between 0 and 65535"]),
        (["--threads", "0"], {}, ["--threads", "between 1 and 1024"]),
        (["--store-memory-mb", "0"], {}, ["--store-memory-mb", "at least 1", "not 0"]),
        ([], {"MOCKSERVER_STORE_MAX_MB": "-5"}, ["MOCKSERVER_STORE_MAX_MB", "at least 1"]),
        ([], {"MOCKSERVER_PORT": "abc"}, ["MOCKSERVER_PORT", "whole number", "'abc'"]),
        ([], {"MOCKSERVER_THREADS": "many"}, ["MOCKSERVER_THREADS", "whole number"]),
        ([], {"MOCKSERVER_HTTP": "nginx"}, ["MOCKSERVER_HTTP", "waitress, granian"]),
        (["--tls-cert", "cert.pem"], {}, ["--tls-cert and --tls-key"]),
        (["--cpus", "two"], {}, ["--cpus", "auto, all or a CPU list", "'two'"]),
        (["--cpus", "3-1"], {}, ["--cpus", "'3-1' is not a CPU range"]),
        ([], {"MOCKSERVER_CPUS": "0,"}, ["MOCKSERVER_CPUS", "'' is not a CPU number"]),
        (["--cpus", "8191"], {}, ["--cpus 8191", "may run on CPUs", "not 8191"]),
    ],
)
def test_settings_out_of_range(args: list[str], env: dict[str, str], words: list[str]) -> None:
    assert_one_line(run("serve", *args, env=env), *words)


def test_data_dir_that_cannot_be_a_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = run("serve", "--port", "0", "--data-dir", str(blocker / "state"))
    assert_one_line(done, "--data-dir", str(blocker / "state"), "cannot write")


def test_data_dir_whose_state_file_cannot_be_opened(tmp_path: Path) -> None:
    # root writes anywhere, so "read-only" is made here by a folder where the file must go.
    (tmp_path / "mockserver.sqlite3").mkdir()
    done = run("serve", "--port", "0", "--data-dir", str(tmp_path))
    assert_one_line(done, "cannot open the state file", str(tmp_path))


def test_unreachable_store_hides_the_password() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://user:s3cret@127.0.0.1:{port}/db"
    line = assert_one_line(run("serve", "--store-url", url), "--store-url", "database runs")
    assert "s3cret" not in line and "user:***@" in line


def test_unreachable_s3_endpoint() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = ["--s3-endpoint", f"http://127.0.0.1:{port}"]
    done = run("serve", "--port", "0", *endpoint, "--s3-access-key", "a", "--s3-secret-key", "b")
    assert_one_line(done, "--s3-endpoint", "does not answer")
    # An external store's keys are its own: there is no default to fall back on.
    assert_one_line(run("serve", "--port", "0", *endpoint), "--s3-access-key and --s3-secret-key")


def test_invalid_tls_files(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("not a certificate")
    key.write_text("not a key")
    done = run("serve", "--port", "0", "--tls-cert", str(cert), "--tls-key", str(key))
    assert_one_line(done, "--tls-cert", "not a PEM certificate")


@pytest.mark.parametrize("layer", ["waitress", "granian"])
def test_invalid_yaml_names_file_line_and_column(fixtures: Path, layer: str) -> None:
    (fixtures / "vec.yaml").write_text("institutions:\n  - id: x\n    tokens: [\n")
    done = run("serve", "--http", layer, "--port", "0", "--fixtures-dir", str(fixtures))
    assert_one_line(done, f"{fixtures / 'vec.yaml'}: line 4, column 1: not valid YAML")


def test_misspelt_key_and_wrong_type_each_reported(fixtures: Path) -> None:
    text = (fixtures / "springest.yaml").read_text()
    (fixtures / "springest.yaml").write_text(text.replace("partners:", "partnrs:"))
    accredible = (fixtures / "accredible.yaml").read_text()
    (fixtures / "accredible.yaml").write_text(accredible.replace("- id: 9004", "- id: nine"))
    done = run("serve", "--port", "0", "--fixtures-dir", str(fixtures))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert (
        f"mockserver: error: {fixtures / 'accredible.yaml'}: accounts[0].groups[3].id: "
        "not a valid integer" in lines
    )
    assert any(
        f"{fixtures / 'springest.yaml'}: partnrs: unknown key (did you mean 'partners'?)" in line
        for line in lines
    ), lines
    assert len(lines) == 3  # and `partners` itself is missing


@pytest.mark.parametrize("case", ["missing", "empty", "a file", "provider file is a folder"])
def test_fixtures_folder_mistakes(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "fixtures"
    if case == "empty":
        folder.mkdir()
    elif case == "a file":
        folder.write_text("")
    elif case == "provider file is a folder":
        (folder / "accredible.yaml").mkdir(parents=True)
    done = run("serve", "--port", "0", "--fixtures-dir", str(folder))
    expected = {
        "missing": "does not exist",
        "empty": "holds none of seekpass.yaml",
        "a file": "is a file, not a folder",
        "provider file is a folder": "accredible.yaml: is a folder, not a file",
    }[case]
    assert_one_line(done, expected)


def test_fixtures_check_without_serving(fixtures: Path) -> None:
    done = run("fixtures", "check", str(fixtures))
    assert done.returncode == 0 and done.stdout.strip() == f"{fixtures}: ok (8 tenants)"
    (fixtures / "seekpass.yaml").write_text("accounts:\n  - id: x\n    clients: oops\n")
    assert_one_line(
        run("fixtures", "check", str(fixtures)), "accounts[0].clients: not a valid list"
    )


def test_version_help_and_flags_per_command() -> None:
    from mockserver import __version__

    version = run("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"mockserver {__version__}")
    top = run("--help").stdout
    assert "local sandbox" in top and "__doc__" not in top
    for command in ("serve", "routes", "contracts", "fixtures"):
        assert command in top
    serve_help = run("serve", "--help").stdout
    for variable in ("MOCKSERVER_PORT", "MOCKSERVER_DATA_DIR", "MOCKSERVER_LOG_FORMAT"):
        assert f"[{variable}]" in serve_help
    # A subcommand takes only its own flags.
    refused = run("routes", "--port", "1")
    assert refused.returncode == 2 and "unrecognized arguments: --port 1" in refused.stderr
