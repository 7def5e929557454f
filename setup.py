"""Maps the top-level `fixtures/` and `contracts/` folders into the package.

pyproject.toml holds the metadata; this file exists only because pyproject's `packages.find`
cannot also list packages whose folders live outside `mockserver/`. The wheel then carries
`mockserver/fixtures/*.yaml` and `mockserver/contracts/*.yaml` (read with importlib.resources,
see mockserver/resources.py), and the checkout keeps one copy of each file where the project's
layout puts it.
"""

from setuptools import find_packages, setup

DATA_PACKAGES = {"mockserver.fixtures": "fixtures", "mockserver.contracts": "contracts"}

setup(
    packages=[*find_packages(include=["mockserver", "mockserver.*"]), *DATA_PACKAGES],
    package_dir=DATA_PACKAGES,
)
