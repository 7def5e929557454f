"""Schemathesis, in-process over WSGI, against the control plane's own contract
(contracts/control.openapi.yaml): every answer has a documented status, content type and
shape, and no generated input makes the control plane fail.

Two operations stay out of the generated run, each with tests of its own: loading fixtures
(a generated `{"path": ...}` would read files of this machine) and setting VEC's webhook URL
(a generated URL could be off this machine). Generated inputs are the valid ones: how the
control plane refuses each kind of wrong input is its own tests' subject
(tests/control/)."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver.core.contracts import contract_path
from tests.contract.harness import CI_SETTINGS
from tests.shared_app import shared_app

schema = schemathesis.openapi.from_path(contract_path("control"))
schema.app = shared_app()
schema.config.generation.update(modes=[GenerationMode.POSITIVE])
schema = schema.exclude(operation_id=["loadFixtures", "setVecWebhook"])
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fresh(app) -> None:
    """Reset before each operation (the `app` fixture does it)."""


@schema.parametrize()
@CI_SETTINGS
def test_control_plane_conforms(case, fresh) -> None:
    case.call_and_validate(checks=CHECKS)
