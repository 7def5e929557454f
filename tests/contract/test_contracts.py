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
