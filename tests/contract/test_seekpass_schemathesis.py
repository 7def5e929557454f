"""Schemathesis, in-process over WSGI, against the SEEK Pass contract."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.contract.harness import CHECKS, provider_schema
from tests.seekpass.helpers import token

schema = provider_schema("seekpass")


@pytest.fixture
def bearer(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(app.test_client())}"}


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_seekpass_conforms(case, bearer) -> None:
    case.call_and_validate(headers=bearer if case.operation.security else None, checks=CHECKS)
