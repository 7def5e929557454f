"""Any language's client generator must get every operation out of our contracts: a team
testing in another language generates its client from /_mock/contracts. openapi-python-client
is the check here (it is strict: an operation whose schema it cannot resolve is left out, with
a warning, and the client is still written). Every contract, the control plane's included,
must give one function per operation and drop no schema."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.core.contracts import contract_operations, contract_path
from mockserver.resources import contracts_dir

NAMES = sorted(path.name.removesuffix(".openapi.yaml") for path in contracts_dir().glob("*.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_a_generated_client_keeps_every_operation(name: str, tmp_path: Path) -> None:
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert generator, "openapi-python-client is a dev dependency"
    done = subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(contract_path(name)),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "client"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = done.stdout + done.stderr
    assert "Endpoint will not be generated" not in report, report
    assert "Failure to process schema" not in report, report
    functions = sum(
        path.read_text().count("def sync_detailed(") for path in (tmp_path / "client").rglob("*.py")
    )
    assert functions == len(contract_operations(contract_path(name)))
