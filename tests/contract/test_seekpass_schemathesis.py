"""Schemathesis, in-process over WSGI, against the SEEK Pass contract."""

from __future__ import annotations

import pytest

from tests.contract.harness import CI_SETTINGS, call_and_check, provider_schema
from tests.seekpass.helpers import token

schema = provider_schema("seekpass")


@pytest.fixture
def bearer(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(app.test_client())}"}


@schema.parametrize()
@CI_SETTINGS
def test_seekpass_conforms(case, bearer) -> None:
    call_and_check(case, bearer if case.operation.security else None)
