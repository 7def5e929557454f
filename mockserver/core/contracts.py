"""Which operations the contracts describe and which the app serves, to hold the two equal."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import Flask

from mockserver.resources import contracts_dir

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
CONTROL = "control"  # the control plane's own contract, beside the providers'
# Control-plane pages for people (the dashboard and its forms): not part of the JSON API.
CONTROL_PAGES = re.compile(r"^/_mock/(ui/.*)?$")


def contract_path(name: str, directory: Path | None = None) -> Path:
    """The contract of a provider, or of the control plane (`control`)."""
    return (directory or contracts_dir()) / f"{name}.openapi.yaml"


@lru_cache(maxsize=16)
def contract_document(name: str) -> dict[str, Any]:
    """A contract parsed once (the Accredible one is 90 kB of YAML); callers copy before
    changing it."""
    return yaml.load(contract_path(name).read_text(encoding="utf-8"), Loader=_Loader)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The C loader where PyYAML has it: parsing the contracts is then 10x faster."""


def contract_operations(path: Path) -> set[tuple[str, str]]:
    """(METHOD, path template with {param}) for every operation of a contract."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        (method.upper(), template)
        for template, item in (document.get("paths") or {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def user_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a view as a page for people (a provider's stand-in web page), which is not part
    of the provider's API and so not of its contract."""
    view.user_page = True  # type: ignore[attr-defined]
    return view


def served_operations(app: Flask, prefix: str) -> set[tuple[str, str]]:
    """(METHOD, path template) of every route the app serves under a provider prefix, its
    pages for people left out."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix + "/"):
            continue
        if getattr(app.view_functions.get(rule.endpoint), "user_page", False):
            continue
        template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(prefix) :])
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, template))
    return found


def served_control_operations(app: Flask) -> set[tuple[str, str]]:
    """(METHOD, path) of the control plane's JSON API (its pages for people left out)."""
    return {
        (method, path)
        for method, path in served_operations(app, "/_mock")
        if not CONTROL_PAGES.match("/_mock" + path)
    }


def compare_control(app: Flask) -> tuple[set, set]:
    described = {
        (method, template.removeprefix("/_mock"))
        for method, template in contract_operations(contract_path(CONTROL))
    }
    served = served_control_operations(app)
    return _normalise(described) - _normalise(served), _normalise(served) - _normalise(described)


def _normalise(ops: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(method, re.sub(r"\{[^}]+\}", "{}", path)) for method, path in ops}


def compare(app: Flask, provider: str, prefix: str) -> tuple[set, set]:
    """(in the contract but not served, served but not in the contract)."""
    path = contract_path(provider)
    described = contract_operations(path) if path.is_file() else set()
    served = served_operations(app, prefix)
    return _normalise(described) - _normalise(served), _normalise(served) - _normalise(described)
