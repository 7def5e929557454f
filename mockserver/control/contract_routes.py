"""`/_mock/contracts`: the OpenAPI documents a running sandbox answers to, fetched from it.

A team writing its tests in Java, Go or JavaScript generates its clients from these: each
document is served with `servers` set to the address the request came in on (then the real
provider's addresses, as the contract lists them), so a generated client points at this
sandbox as it is.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, jsonify

from mockserver.core.contracts import CONTROL, contract_document, contract_path
from mockserver.core.errors import ApiError
from mockserver.core.http import public_base

FORMATS = ("yaml", "json")


def _names() -> dict[str, str]:
    """Contract name -> the path prefix its operations live under on this server."""
    providers = current_app.extensions["mockserver"].providers
    found = {name: p.prefix for name, p in providers.items() if contract_path(name).is_file()}
    return {**found, CONTROL: ""}


def _served(name: str, prefix: str) -> dict[str, Any]:
    document = copy.deepcopy(contract_document(name))
    here = {"url": public_base() + prefix, "description": "this mockserver sandbox"}
    others = [
        server
        for server in document.get("servers") or []
        if "://" in str(server.get("url", ""))  # relative entries meant "this server"
    ]
    document["servers"] = [here, *others]
    return document


def contract_blueprint() -> Blueprint:
    bp = Blueprint("mock_contracts", __name__)

    @bp.get("/contracts")
    def list_contracts() -> Response:
        base = public_base() + "/_mock/contracts"
        return jsonify(
            {
                "contracts": [
                    {
                        "name": name,
                        "title": contract_document(name).get("info", {}).get("title", name),
                        "yaml": f"{base}/{name}.yaml",
                        "json": f"{base}/{name}.json",
                    }
                    for name in _names()
                ]
            }
        )

    @bp.get("/contracts/<document>")
    def one_contract(document: str) -> Response:
        name, _, suffix = document.rpartition(".")
        names = _names()
        if name not in names or suffix not in FORMATS:
            known = ", ".join(f"{n}.{f}" for n in names for f in FORMATS)
            raise ApiError(404, "not_found", f"no contract {document!r}; known: {known}")
        served = _served(name, names[name])
        if suffix == "json":
            return jsonify(served)
        text = yaml.safe_dump(served, sort_keys=False, allow_unicode=True)
        return Response(text, mimetype="application/yaml")

    return bp
