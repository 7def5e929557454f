"""Which operations the contracts describe and which the app serves, to hold the two equal."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from flask import Flask

CONTRACTS_DIR = Path(__file__).resolve().parent.parent.parent / "contracts"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def contract_path(provider: str, directory: Path = CONTRACTS_DIR) -> Path:
    return directory / f"{provider}.openapi.yaml"


def contract_operations(path: Path) -> set[tuple[str, str]]:
    """(METHOD, path template with {param}) for every operation of a contract."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        (method.upper(), template)
        for template, item in (document.get("paths") or {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def served_operations(app: Flask, prefix: str) -> set[tuple[str, str]]:
    """(METHOD, path template) of every route the app serves under a provider prefix."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix + "/"):
            continue
        template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(prefix) :])
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, template))
    return found


def compare(app: Flask, provider: str, prefix: str) -> tuple[set, set]:
    """(in the contract but not served, served but not in the contract)."""
    path = contract_path(provider)
    described = contract_operations(path) if path.is_file() else set()
    served = served_operations(app, prefix)
    normalise = lambda ops: {(m, re.sub(r"\{[^}]+\}", "{}", p)) for m, p in ops}  # noqa: E731
    return normalise(described) - normalise(served), normalise(served) - normalise(described)
