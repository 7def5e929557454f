"""Schemathesis, in-process over WSGI, against the Accredible contract, plus the stateful
chain create credential → view → update → delete through the contract's links."""

from __future__ import annotations

import pytest

from tests.contract.harness import CI_SETTINGS, call_and_check, provider_schema

schema = provider_schema("accredible")
TOKEN = {"Authorization": "Token token=accredible-demo-key"}


@pytest.fixture
def fresh(app, runtime) -> None:
    """Reset before each operation, with a rate limit no generated run can reach."""
    limiter = runtime.providers["accredible"].model.limiter
    from mockserver.core.ratelimit import Quota

    limiter.configure(Quota(10**9, 300, 30))
    runtime.providers["accredible"].model.search_v1_limiter.configure(Quota(10**9, 60, 60))


@schema.parametrize()
@CI_SETTINGS
def test_accredible_conforms(case, fresh) -> None:
    call_and_check(case, TOKEN)
