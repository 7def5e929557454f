"""Where the packaged default fixtures and the contracts are, from a wheel or a checkout.

Both folders live at the top of the repository (`fixtures/`, `contracts/`); the build maps
them into the package as `mockserver.fixtures` and `mockserver.contracts` (setup.py), so
importlib.resources finds them in a wheel, an sdist install and an editable checkout alike.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(package: str) -> Path:
    # Installed packages are plain folders (a zipped install is not supported: waitress,
    # moto and SQLite all want real files anyway).
    found = resources.files(package)
    return Path(str(found))


def default_fixtures_dir() -> Path:
    """The fixtures every sandbox starts with unless `--fixtures-dir` names others."""
    return _folder("mockserver.fixtures")


def contracts_dir() -> Path:
    """The OpenAPI documents of every provider and of the control plane."""
    return _folder("mockserver.contracts")
