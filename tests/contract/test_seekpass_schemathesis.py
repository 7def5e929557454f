"""Schemathesis, in-process over WSGI: no 5xx and every response as the contract says."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.core.contracts import contract_path
from tests.seekpass.helpers import token
from tests.shared_app import shared_app

schema = schemathesis.openapi.from_path(contract_path("seekpass"))
schema.app = shared_app()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@pytest.fixture
def bearer(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(app.test_client())}"}


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_seekpass_conforms(case, bearer) -> None:
    case.call_and_validate(headers=bearer if case.operation.security else None, checks=CHECKS)
