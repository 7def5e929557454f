"""Schemathesis, in-process over WSGI, against the Accredible contract, plus the stateful
chain create credential → view → update → delete through the contract's links."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import negative_data_rejection

from mockserver.core.ratelimit import Quota
from tests.contract.harness import CHECKS, CI_SETTINGS, call_and_check, provider_schema

schema = provider_schema("accredible")
TOKEN = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture
def fresh(app, runtime) -> None:
    """Reset before each operation, with a rate limit no generated run can reach."""
    limiter = runtime.providers["accredible"].model.limiter
    limiter.configure(Quota(10**9, 300, 30))
    runtime.providers["accredible"].model.search_v1_limiter.configure(Quota(10**9, 60, 60))


@schema.parametrize()
@CI_SETTINGS
def test_accredible_conforms(case, fresh) -> None:
    call_and_check(case, TOKEN)


# The stateful chain: credential creation links to view, update and delete (the contract's
# OpenAPI links); schemathesis walks them, checking each response as above. Generated create
# bodies rarely name an existing group, so the create step's body is made valid (with a fresh
# email) and the test asserts that the chain really ran.
_Workflow = schema.include(path_regex=r"^/v1/credentials(/\{id\})?$").as_state_machine()
CALLS: list[tuple[str, int]] = []


class _CredentialWorkflow(_Workflow):  # type: ignore[misc, valid-type]
    def before_call(self, case):  # noqa: ANN001, ANN201
        if case.operation.label == "POST /v1/credentials":
            number = len(CALLS)
            case.body = {
                "credential": {
                    "recipient": {"name": "Stateful", "email": f"chain{number}@example.com"},
                    "group_id": 9002,
                }
            }

    def get_call_kwargs(self, case):  # noqa: ANN001, ANN201
        return {"headers": TOKEN}

    def after_call(self, response, case):  # noqa: ANN001, ANN201
        CALLS.append((case.operation.label, response.status_code))

    def validate_response(self, response, case, **kwargs):  # noqa: ANN001, ANN003, ANN201
        checks = [c for c in CHECKS if c is not negative_data_rejection]
        case.validate_response(response, checks=checks)


def test_credential_links_create_view_update_delete(app) -> None:
    CALLS.clear()
    run_state_machine_as_test(
        _CredentialWorkflow,
        settings=settings(
            max_examples=30,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    succeeded = {label for label, status in CALLS if status == 200}
    assert {
        "POST /v1/credentials",
        "GET /v1/credentials/{id}",
        "PUT /v1/credentials/{id}",
        "DELETE /v1/credentials/{id}",
    } <= succeeded, sorted(
        {c for c in CALLS if "credentials/{id}" in c[0] or c[0] == "POST /v1/credentials"}
    )
