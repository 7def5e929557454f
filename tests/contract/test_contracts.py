"""The contracts are valid OpenAPI and match, operation for operation, what the app serves."""

from __future__ import annotations

import pytest
import yaml
from openapi_spec_validator import validate

from mockserver.core.contracts import compare, contract_path, served_operations


@pytest.mark.parametrize("provider", ["accredible", "seekpass", "springest", "vec"])
def test_contract_is_valid_openapi_31(provider: str) -> None:
    document = yaml.safe_load(contract_path(provider).read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_contract_operation_is_served_and_every_route_is_described(app, runtime) -> None:
    assert set(runtime.providers) == {"accredible", "seekpass", "springest", "vec"}
    for name, provider in runtime.providers.items():
        missing, extra = compare(app, name, provider.prefix)
        assert not missing, f"{name}: described but not served: {sorted(missing)}"
        assert not extra, f"{name}: served but not described: {sorted(extra)}"
        assert served_operations(app, provider.prefix), f"{name} serves nothing"


# Components that request bodies share with responses stay open (tools/close_response_schemas.py
# says why); every other object schema a response uses lists its fields and allows no others.
SHARED_WITH_REQUESTS = {"accredible": {"DepartmentPermission"}}


def _open_objects(node, path, schemas, seen, in_all_of=False):
    """Paths of object schemas in a response that list properties but allow others."""
    if not isinstance(node, dict) or id(node) in seen:
        return []
    seen.add(id(node))
    found = []
    ref = node.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return (
            found
            if name in path
            else _open_objects(schemas[name], [*path, name], schemas, seen, in_all_of)
        )
    for part in node.get("allOf", []):
        found += _open_objects(part, path, schemas, seen, in_all_of=True)
    if node.get("allOf") and not in_all_of and node.get("unevaluatedProperties") is not False:
        found.append("/".join(path))
    for key in ("oneOf", "anyOf"):
        for part in node.get(key, []):
            found += _open_objects(part, path, schemas, seen, in_all_of)
    properties = node.get("properties") or {}
    if properties and not in_all_of and "allOf" not in node:
        if node.get("additionalProperties") is not False:
            found.append("/".join(path))
    for name, value in properties.items():
        found += _open_objects(value, [*path, name], schemas, seen)
    if isinstance(node.get("items"), dict):
        found += _open_objects(node["items"], [*path, "[]"], schemas, seen)
    return found


@pytest.mark.parametrize("provider", ["seekpass", "vec", "accredible", "springest"])
def test_response_schemas_allow_no_field_they_do_not_list(provider: str) -> None:
    document = yaml.safe_load(contract_path(provider).read_text(encoding="utf-8"))
    schemas = document.get("components", {}).get("schemas", {})
    shared = SHARED_WITH_REQUESTS.get(provider, set())
    found = []
    for route, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                for media in (response.get("content") or {}).values():
                    where = [f"{method.upper()} {route} {status}"]
                    found += _open_objects(media.get("schema"), where, schemas, set())
    assert [path for path in found if not any(name in path for name in shared)] == []
