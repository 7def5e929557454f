"""Schemathesis, in-process over WSGI, against the SEEK Pass contract."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.contract.harness import CHECKS, provider_schema, undeclared_query_or_headers
from tests.seekpass.helpers import token

schema = provider_schema("seekpass")


@pytest.fixture
def bearer(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(app.test_client())}"}


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same cases on every CI run; wide fuzzing belongs in bench/
    suppress_health_check=list(HealthCheck),
)
def test_seekpass_conforms(case, bearer) -> None:
    checks = CHECKS
    if undeclared_query_or_headers(case):
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    case.call_and_validate(headers=bearer if case.operation.security else None, checks=checks)
