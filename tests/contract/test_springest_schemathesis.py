"""Schemathesis, in-process over WSGI, against the Springest contract (both formats, the
multipart POST included)."""

from __future__ import annotations

import pytest
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

from mockserver.core.ratelimit import Quota
from tests.contract.harness import CHECKS, CI_SETTINGS, negative_in, provider_schema

schema = provider_schema("springest")
KEY = "springest-certificates-key"
CERTIFICATIONS_KEY = "springest-certifications-key"


@pytest.fixture
def fresh(app, runtime) -> None:
    """Reset before each operation, with quotas no generated run can reach."""
    model = runtime.providers["springest"].model
    model.post_limiter.configure(Quota(10**9, 60, 1))
    model.request_limiter.configure(Quota(10**9, 3600, 60))


@schema.parametrize()
@CI_SETTINGS
def test_springest_conforms(case, fresh) -> None:
    # The key is the test's: the certifications key for its path, the certificates key else.
    wanted = CERTIFICATIONS_KEY if "/certifications" in case.path else KEY
    case.query = {**(case.query or {}), "api_key": wanted}
    # Negative query cases lose their generated api_key to ours, and multipart fields are all
    # strings (harness.multipart), so for those the negative-data check cannot hold.
    checks = CHECKS
    if negative_in(case, ParameterLocation.QUERY) or str(case.media_type or "").startswith(
        "multipart/"
    ):
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    case.call_and_validate(checks=checks)
