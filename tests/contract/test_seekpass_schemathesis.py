"""Schemathesis, in-process over WSGI: no 5xx and every response as the contract says."""

from __future__ import annotations

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

from mockserver.app import create_app
from mockserver.core.contracts import contract_path
from mockserver.core.runtime import Runtime
from mockserver.settings import Settings
from tests.seekpass.helpers import token

RUNTIME = Runtime(Settings(public_url="http://127.0.0.1:8080"))
APP = create_app(runtime=RUNTIME)
TOKEN = token(APP.test_client())

schema = schemathesis.openapi.from_path(contract_path("seekpass"))
schema.app = APP

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_seekpass_conforms(case) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"} if case.operation.security else None
    case.call_and_validate(headers=headers, checks=CHECKS)
