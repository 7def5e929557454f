"""Schemathesis, in-process over WSGI, against the VEC contract (multipart included)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.contract.harness import (
    CHECKS,
    multipart,
    provider_schema,
    undeclared_query_or_headers,
)

schema = provider_schema("vec")
BEARER = {"Authorization": "Bearer vec-demo-full-token"}


@pytest.fixture
def fresh(app) -> None:
    """Reset before each operation (the `app` fixture does it)."""


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same cases on every CI run; wide fuzzing belongs in bench/
    suppress_health_check=list(HealthCheck),
)
def test_vec_conforms(case, fresh) -> None:
    checks = CHECKS
    if undeclared_query_or_headers(case) or multipart(case):
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    case.call_and_validate(headers=BEARER, checks=checks)
